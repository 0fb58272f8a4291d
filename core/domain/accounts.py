"""Sign-in accounts for the admin panel, their browser sessions and API tokens.

An account belongs to a :class:`~core.domain.entities.Person`; what it may do is that person's
role. Secrets are never kept: passwords as argon2 hashes, session and API tokens as SHA-256
digests (they are long random strings, so a fast digest is enough).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # argon2 takes any length; this bounds the work one request can cause

# Throttling, then lock-out: the first failures cost nothing; from THROTTLE_AFTER on, the next
# attempt must wait a doubling delay; at LOCK_AFTER consecutive failures the account is locked.
THROTTLE_AFTER = 3
LOCK_AFTER = 6
LOCKOUT = timedelta(minutes=15)


def login_delay(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait (zero when it need not)."""
    if failures < THROTTLE_AFTER:
        return timedelta(0)
    if failures >= LOCK_AFTER:
        return LOCKOUT
    return timedelta(seconds=2 ** (failures - THROTTLE_AFTER + 1))


@dataclass(eq=False)
class WebAccount:
    """E-mail and password sign-in for one person."""

    person_id: int
    email: str  # stored lower-case
    password_hash: str
    failed_logins: int = 0  # consecutive; reset by a successful sign-in or a new password
    last_failed_at: datetime | None = None
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    created_at: datetime | None = None
    id: int | None = None

    def blocked_until(self) -> datetime | None:
        """Until when sign-in is refused (throttled or locked), or None."""
        delay = login_delay(self.failed_logins)
        if not delay or self.last_failed_at is None:
            return None
        return self.last_failed_at + delay


@dataclass(eq=False)
class WebSession:
    """A signed-in browser. The cookie carries the token; only its digest is stored."""

    token_hash: str
    account_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


class Scope(StrEnum):
    """What an API token may do; the person's role still applies on top."""

    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    KB_READ = "kb:read"
    KB_WRITE = "kb:write"
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"


@dataclass(eq=False)
class ApiToken:
    """A bearer token for the REST API, acting as ``person_id`` within ``scopes``."""

    name: str
    person_id: int
    token_hash: str
    prefix: str  # the first characters, shown in lists so people can tell tokens apart
    scopes: list[str] = dataclasses.field(default_factory=list)
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: Scope) -> bool:
        return self.is_active and scope.value in self.scopes
