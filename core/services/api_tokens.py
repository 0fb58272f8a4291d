"""Use cases for REST API tokens: issue (the secret is shown once), revoke, and authenticate.

A token acts as one agent, supervisor or admin, within the scopes it was given; the person's
role still applies on top of the scopes. Only the SHA-256 digest of the secret is stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from core.domain.accounts import ApiToken, Scope
from core.domain.entities import Person
from core.domain.enums import Role
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.ports import UnitOfWork
from core.services.accounts import TOUCH_EVERY, digest
from core.services.context import Actor, clean_text, require_role

TOKEN_PREFIX = "cdk_"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


async def create_api_token(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    scopes: Iterable[Scope | str],
    person_id: int | None = None,
) -> IssuedToken:
    """A token acting as ``person_id`` (default: the actor) within ``scopes``. Admins may issue
    tokens for other agents; everyone else only for themselves."""
    label = clean_text(name, what="name", limit=100)
    try:
        wanted = sorted({Scope(s).value for s in scopes})
    except ValueError as bad:
        raise InvalidInput("Unknown scope: {detail}.", detail=str(bad)) from None
    if not wanted:
        raise InvalidInput("Give the token at least one scope.")
    owner_id = person_id if person_id is not None else actor.id
    if owner_id != actor.person.id:
        require_role(actor, Role.ADMIN, doing="create API tokens for other people")
    owner = await uow.people.get(owner_id)
    if owner is None or not owner.is_agent:
        raise InvalidInput("API tokens act as an active agent, supervisor or admin.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=label,
        person_id=owner_id,
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        scopes=wanted,
        created_at=uow.clock.now(),
    )
    uow.add(token)
    await uow.flush()
    return IssuedToken(token, secret)


async def revoke_api_token(uow: UnitOfWork, *, actor: Actor, token_id: int) -> ApiToken:
    token = await uow.accounts.token(token_id)
    if token is None:
        raise NotFound("There is no API token {id}.", id=token_id)
    if token.person_id != actor.person.id:
        require_role(actor, Role.ADMIN, doing="revoke other people's API tokens")
    if token.revoked_at is None:
        token.revoked_at = uow.clock.now()
    return token


async def api_caller(uow: UnitOfWork, *, secret: str) -> tuple[ApiToken, Person] | None:
    """The token and the person it acts as; None for an unknown, revoked or orphaned token."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = await uow.accounts.token_by_hash(digest(secret))
    if token is None or not token.is_active:
        return None
    person = await uow.people.get(token.person_id)
    if person is None or not person.is_agent:
        return None
    now = uow.clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    return token, person


def require_scope(token: ApiToken, scope: Scope) -> None:
    if not token.allows(scope):
        raise PermissionDenied("This API token lacks the scope {scope}.", scope=scope.value)
