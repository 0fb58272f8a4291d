"""Use cases for admin-panel sign-in: accounts, passwords and browser sessions.

Passwords are hashed with argon2 (argon2-cffi's recommended parameters) and never logged or
returned. Session tokens are random; only their SHA-256 digests are stored, so a copy
of the database signs nobody in. As everywhere in ``core.services``, the caller commits.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.domain.accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    WebAccount,
    WebSession,
)
from core.domain.entities import Person
from core.domain.enums import Role
from core.errors import ChatdeskError, InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.context import Actor, clean_text, require_role
from core.settings import SUPPORTED_LANGUAGES

SESSION_MAX_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen may get before a request rewrites it
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()  # argon2id with RFC 9106's low-memory parameters
_dummy_hash: str | None = None


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Swap the hasher (tests use argon2's cheapest profile; real hashes cost ~0.5 s here)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def _dummy() -> str:
    """Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
    password and does not tell an attacker which addresses have accounts."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_hex(16))
    return _dummy_hash


class SignInRefused(ChatdeskError):
    """Wrong e-mail or password, or sign-in is throttled or locked for now."""

    def __init__(self, message: str, /, *, retry_after: int = 0, **params: object) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 320:
        raise InvalidInput("'{email}' is not an e-mail address.", email=email.strip()[:100])
    return value


def check_password(password: str, *, email: str = "") -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput("A password needs at least {count} characters.", count=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("A password may have at most {count} characters.", count=PASSWORD_MAX)
    if email and password.strip().lower() == email.lower():
        raise InvalidInput("The password must not be the e-mail address.")


@dataclass(frozen=True, slots=True)
class NewUser:
    account: WebAccount
    person: Person
    linked: bool  # True: an existing person (same e-mail) got the account


async def create_user(
    uow: UnitOfWork,
    *,
    actor: Actor,
    email: str,
    role: Role,
    password: str,
    display_name: str | None = None,
) -> NewUser:
    """An account for a new person, or for the person who already has this e-mail (an agent
    registered from a messenger), whose role becomes ``role``."""
    require_role(actor, Role.ADMIN, doing="create sign-in accounts")
    address = _clean_email(email)
    if role < Role.AGENT:
        raise InvalidInput("Sign-in accounts are for agents, supervisors and admins.")
    check_password(password, email=address)
    if await uow.accounts.by_email(address) is not None:
        raise InvalidInput("There is already an account for {email}.", email=address)
    person = await uow.people.find(address)
    linked = person is not None and (person.email or "").lower() == address
    now = uow.clock.now()
    if person is None or not linked:
        name = clean_text(display_name or address.split("@")[0], what="name", limit=200)
        person = Person(display_name=name, role=role, email=address, created_at=now)
        uow.add(person)
        await uow.flush()
    else:
        if display_name:
            person.display_name = clean_text(display_name, what="name", limit=200)
        person.role = role
        person.is_active = True
    assert person.id is not None
    account = WebAccount(
        person_id=person.id,
        email=address,
        password_hash=_hasher.hash(password),
        password_changed_at=now,
        created_at=now,
    )
    uow.add(account)
    await uow.flush()
    return NewUser(account, person, linked)


async def set_password(uow: UnitOfWork, *, actor: Actor, email: str, password: str) -> WebAccount:
    """Change or reset a password: it also lifts a lock-out and signs the account out everywhere."""
    account = await uow.accounts.by_email(email)
    if account is None:
        raise NotFound("There is no account for {email}.", email=email.strip()[:100])
    if actor.person.id != account.person_id:
        require_role(actor, Role.ADMIN, doing="set other people's passwords")
    check_password(password, email=account.email)
    account.password_hash = _hasher.hash(password)
    account.password_changed_at = uow.clock.now()
    account.failed_logins = 0
    account.last_failed_at = None
    assert account.id is not None
    await uow.accounts.end_sessions(account.id)
    return account


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # goes into the (signed) cookie; never stored
    session: WebSession
    person: Person


async def sign_in(
    uow: UnitOfWork, *, email: str, password: str, idle_timeout: timedelta
) -> SignedIn:
    """Check the password and open a session. Consecutive failures first slow sign-in down,
    then lock the account for a while; while blocked even the right password is refused.

    A failure is recorded by this function: the caller commits after :class:`SignInRefused`
    too, or the count of failures would be lost.
    """
    now = uow.clock.now()
    account = await uow.accounts.by_email(email.strip().lower()[:320])
    if account is None:
        _verify(_dummy(), password)
        raise SignInRefused("Wrong e-mail or password.")
    blocked = account.blocked_until()
    if blocked is not None and blocked > now:
        raise _blocked(max(1, math.ceil((blocked - now).total_seconds())))
    person = await uow.people.get(account.person_id)
    if not _verify(account.password_hash, password[: PASSWORD_MAX + 1]):
        account.failed_logins += 1
        account.last_failed_at = now
        raise SignInRefused("Wrong e-mail or password.")
    if person is None or not person.is_active or not person.is_agent:
        raise SignInRefused("This account is disabled.")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.failed_logins = 0
    account.last_failed_at = None
    account.last_login_at = now
    await uow.accounts.end_idle_sessions(seen_before=now - idle_timeout)
    assert account.id is not None
    token = secrets.token_urlsafe(32)
    session = WebSession(
        token_hash=digest(token),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    uow.add(session)
    await uow.flush()
    return SignedIn(token, session, person)


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who a live session belongs to."""

    session: WebSession
    account: WebAccount
    person: Person


async def visitor(uow: UnitOfWork, *, token: str, idle_timeout: timedelta) -> Visitor | None:
    """The signed-in person behind a session token, or None when the session is unknown,
    idle for longer than ``idle_timeout``, older than a working day, or its person disabled.
    Keeps the session alive (the caller commits)."""
    session = await uow.accounts.web_session(digest(token))
    if session is None:
        return None
    now = uow.clock.now()
    if now - session.last_seen_at > idle_timeout or now - session.created_at > SESSION_MAX_AGE:
        await uow.accounts.end_session(session.token_hash)
        return None
    account = await uow.accounts.get(session.account_id)
    person = await uow.people.get(account.person_id) if account else None
    if account is None or person is None or not person.is_active or not person.is_agent:
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        session.last_seen_at = now
    return Visitor(session, account, person)


async def sign_out(uow: UnitOfWork, *, token: str) -> None:
    await uow.accounts.end_session(digest(token))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _blocked(wait: int) -> SignInRefused:
    if wait < 90:
        return SignInRefused(
            "Too many failed attempts. Try again in {count} s.", count=wait, retry_after=wait
        )
    return SignInRefused(
        "Too many failed attempts. Try again in {count} min.",
        count=round(wait / 60),
        retry_after=wait,
    )


async def set_language(uow: UnitOfWork, *, actor: Actor, language: str) -> Person:
    """The language the panel (and chatdesk's messages) speak to the actor."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("Unsupported language '{language}'.", language=language[:10])
    person = await uow.people.get(actor.id)
    if person is None:
        raise NotFound("There is no person {id}.", id=actor.id)
    person.language = language
    return person
