"""What every route needs, as FastAPI dependencies: the panel's parts, one unit of work per
request, the signed-in person (or a redirect to the sign-in page), role checks and CSRF."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from admin.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    AddressThrottle,
    CookieSigner,
    same_token,
)
from core.channels import ChannelProfile
from core.domain.enums import Role
from core.errors import (
    AlreadyClaimed,
    ChatdeskError,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from core.services import accounts
from core.services.accounts import Visitor
from core.services.context import Actor
from core.services.knowledge_index import KnowledgeBase
from core.settings import Settings
from storage.unit_of_work import Database, SqlUnitOfWork

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PANEL_CHANNEL = "admin"  # the channel name the panel's actions are audited under


@dataclass
class Panel:
    """The running process's parts the panel works with; one per app."""

    settings: Settings
    database: Database
    knowledge: KnowledgeBase  # the live suggestion index: an edit here is suggested at once
    after_commit: Callable[[], None] = lambda: None  # wakes the outbox worker
    throttle: AddressThrottle = field(default_factory=AddressThrottle)
    # The messengers whose user ids the API takes when it registers an agent
    channels: Sequence[ChannelProfile] = ()

    def __post_init__(self) -> None:
        self.signer = CookieSigner(self.settings.secret_key.get_secret_value(), purpose="session")

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.settings.admin_session_idle_minutes)

    def channel(self, name: str) -> ChannelProfile | None:
        return next((profile for profile in self.channels if profile.name == name), None)


class LoginRequired(Exception):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but this needs a higher role (or the CSRF token is wrong): 403."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


def get_panel(request: Request) -> Panel:
    panel: Panel = request.app.state.panel
    return panel


PanelDep = Annotated[Panel, Depends(get_panel)]


async def unit_of_work(panel: PanelDep) -> AsyncIterator[SqlUnitOfWork]:
    """One unit of work per request, shared by its dependencies and its route (never open a
    second one inside a request: a SQLite file has one connection)."""
    async with panel.database.uow(offload=True) as uow:
        yield uow


UowDep = Annotated[SqlUnitOfWork, Depends(unit_of_work)]


async def signed_in_visitor(request: Request, panel: Panel, uow: SqlUnitOfWork) -> Visitor | None:
    """The person whose valid session cookie came with the request, if any."""
    token = panel.signer.unsign(request.cookies.get(SESSION_COOKIE))
    if not token:
        return None
    found = await accounts.visitor(uow, token=token, idle_timeout=panel.idle_timeout)
    await uow.commit()  # keeps the session alive, or forgets an expired one
    if found is not None:
        # Detached, so a route that rolls back after a refused action can still read who
        # is signed in (a rollback expires what the session holds).
        for entity in (found.session, found.account, found.person):
            uow.session.expunge(entity)
    return found


async def current_visitor(request: Request, panel: PanelDep, uow: UowDep) -> Visitor:
    found = await signed_in_visitor(request, panel, uow)
    if found is None:
        raise LoginRequired()
    request.state.visitor = found
    return found


VisitorDep = Annotated[Visitor, Depends(current_visitor)]


async def csrf_protected(request: Request, visitor: VisitorDep) -> Visitor:
    """Every state-changing request carries the session's CSRF token (form field or header)."""
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        if given is None:
            form = await request.form()
            value: Any = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not same_token(given, visitor.session.csrf_token):
            raise Forbidden(
                "The form has expired or did not come from this site. Please try again."
            )
    return visitor


def http_status(error: ChatdeskError) -> int:
    """The HTTP status for a refusal from ``core.services``."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, InvalidTransition | AlreadyClaimed | Conflict):
        return 409
    return 400


def actor_of(visitor: Visitor) -> Actor:
    return Actor(visitor.person, PANEL_CHANNEL)


def role_at_least(role: Role) -> Any:
    """A dependency refusing (403) anyone below ``role``."""

    async def check(visitor: VisitorDep) -> Visitor:
        if not visitor.person.has_role(role):
            raise Forbidden("This needs the {role} role.", role=role.label)
        return visitor

    return Depends(check)
