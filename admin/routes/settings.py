"""Settings: one's own account (language, API tokens) and, for admins, every account and token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from admin.changes import apply_change
from admin.deps import PanelDep, UowDep, VisitorDep, actor_of, csrf_protected, role_at_least
from admin.templating import redirect, render
from core.domain.accounts import Scope
from core.domain.enums import Role
from core.services import accounts, api_tokens
from core.services.accounts import Visitor
from core.settings import SUPPORTED_LANGUAGES
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/settings", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)


async def _page(
    request: Request,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    *,
    issued: api_tokens.IssuedToken | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    is_admin = visitor.person.has_role(Role.ADMIN)
    tokens = await uow.accounts.tokens(person_id=None if is_admin else visitor.person.id)
    owners = {p.id: p.display_name for p in await uow.people.with_role(Role.AGENT)}
    return render(
        request,
        "settings.html",
        {
            "section": "settings",
            "languages": SUPPORTED_LANGUAGES,
            "tokens": tokens,
            "owners": owners,
            "scopes": list(Scope),
            "issued": issued,
            "error": error,
            "is_admin": is_admin,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def settings_page(request: Request, uow: UowDep, visitor: VisitorDep) -> Response:
    return await _page(request, uow, visitor)


async def _change(
    request: Request,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    change: Callable[[], Awaitable[Response]],
) -> Response:
    async def refused(error: str, status_code: int) -> Response:
        return await _page(request, uow, visitor, error=error, status_code=status_code)

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.post("/language")
async def set_language(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    async def change() -> Response:
        await accounts.set_language(uow, actor=actor_of(visitor), language=language)
        return redirect("/settings", notice="saved")

    return await _change(request, uow, visitor, change)


@router.post("/tokens", response_class=HTMLResponse)
async def create_token(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[list[str] | None, Form(max_length=40)] = None,
) -> Response:
    async def change() -> Response:
        issued = await api_tokens.create_api_token(
            uow, actor=actor_of(visitor), name=name, scopes=scope or []
        )
        return await _page(request, uow, visitor, issued=issued, status_code=201)

    return await _change(request, uow, visitor, change)


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, uow: UowDep, visitor: VisitorDep, token_id: int
) -> Response:
    async def change() -> Response:
        await api_tokens.revoke_api_token(uow, actor=actor_of(visitor), token_id=token_id)
        return redirect("/settings", notice="revoked")

    return await _change(request, uow, visitor, change)


@router.get("/accounts", response_class=HTMLResponse, dependencies=[role_at_least(Role.ADMIN)])
async def accounts_page(request: Request, panel: PanelDep, uow: UowDep) -> Response:
    now = panel.database.clock.now()
    rows = []
    for account in await uow.accounts.all():
        person = await uow.people.get(account.person_id)
        blocked = account.blocked_until()
        rows.append((account, person, blocked if blocked and blocked > now else None))
    return render(request, "accounts.html", {"section": "settings", "rows": rows})
