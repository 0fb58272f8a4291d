"""One-time agent invites: an admin creates a token, a person opens the bot with it and
becomes an agent under the channel identity they opened it with.

Only a hash of the token is stored, so a database dump cannot be turned into invites.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from core.domain.entities import Person
from core.domain.enums import Role, SupportLine
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.context import Actor, require_role

INVITE_PREFIX = "agent-"
INVITE_VALID_FOR = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(uow: UnitOfWork, *, actor: Actor, role: Role = Role.AGENT) -> str:
    """A fresh one-time token (shown once, e.g. as ``/start agent-<token>``), valid 7 days."""
    require_role(actor, Role.ADMIN, doing="invite agents")
    if role < Role.AGENT:
        raise InvalidInput("An invite makes an agent, supervisor or admin.")
    if role > actor.person.role:
        raise InvalidInput("You cannot invite someone to a role above your own.")
    token = secrets.token_urlsafe(24)  # 32 characters: fits a Telegram deep-link payload
    await uow.invites.add(token_hash=_hash(token), role=role, created_at=uow.clock.now())
    return token


async def redeem_invite(uow: UnitOfWork, *, token: str, person: Person) -> Person:
    """Make ``person`` an agent (or the invite's role); the token is spent. Raises
    :class:`NotFound` for a token that is unknown, used or expired."""
    assert person.id is not None
    now = uow.clock.now()
    role = await uow.invites.redeem(
        _hash(token.removeprefix(INVITE_PREFIX).strip()),
        person_id=person.id,
        now=now,
        issued_after=now - INVITE_VALID_FOR,
    )
    if role is None:
        raise NotFound("This invite link is not valid any more; ask for a new one.")
    if person.role < role:
        person.role = role
    person.support_line = person.support_line or SupportLine.FIRST
    person.is_active = True
    await uow.flush()
    return person
