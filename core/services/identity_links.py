"""One person, several messengers: which accounts belong to the same person, and how they join.

Two ways, and no other:

- **By verified e-mail**, on an account's first contact. A messenger that vouches for an
  address (Slack: ``users.info``; Telegram knows none) names it; the new account joins the one
  active person whose record has that address, set by an admin (panel, command line) or
  verified by a messenger before, provided that person has no account on this messenger yet.
  No match, several matches, or a person already on this messenger: a person of its own.
- **By a one-time code** (:mod:`core.services.link_codes`): asked for in one messenger, sent from
  the other.

Either way the join is in the audit trail (``identity_linked``; ``people_merged`` when two
records became one).
"""

from __future__ import annotations

import logging

from core.domain.entities import AuditEntry, Identity, Person
from core.ports import UnitOfWork

log = logging.getLogger(__name__)


async def owner_of_email(uow: UnitOfWork, email: str, *, channel: str) -> Person | None:
    """The person a new ``channel`` account with this verified ``email`` is, if any."""
    owners = [p for p in await uow.people.with_email(email) if p.is_active]
    if len(owners) != 1:
        if owners:
            log.info(
                "%d people have the e-mail of a new %s account: not linked", len(owners), channel
            )
        return None
    owner = owners[0]
    assert owner.id is not None
    if any(i.channel == channel for i in await uow.people.identities(owner.id)):
        return None
    return owner


async def add_identity(
    uow: UnitOfWork,
    person: Person,
    *,
    channel: str,
    external_id: str,
    username: str | None,
    how: str,
) -> None:
    """Give ``person`` one more account (one nobody has yet), in the audit trail."""
    assert person.id is not None
    uow.add(
        Identity(person_id=person.id, channel=channel, external_id=external_id, username=username)
    )
    uow.add(
        AuditEntry(
            action="identity_linked",
            channel=channel,
            actor_id=person.id,
            details={"how": how, "channel": channel, "external_id": external_id},
            created_at=uow.clock.now(),
        )
    )
    await uow.flush()
