"""Settings: one's own account (language, API tokens) and, for admins, every account and token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from admin.deps import (
    PanelDep,
    UowDep,
    VisitorDep,
    actor_of,
    csrf_protected,
    http_status,
    role_at_least,
)
from admin.templating import redirect, render
from core.domain.accounts import Scope
from core.domain.enums import Role
from core.errors import ChatdeskError
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


async def _refused(
    request: Request, uow: SqlUnitOfWork, visitor: Visitor, refused: ChatdeskError
) -> Response:
    await uow.rollback()
    return await _page(
        request,
        uow,
        visitor,
        error=refused.translated(visitor.person.language),
        status_code=http_status(refused),
    )


@router.get("", response_class=HTMLResponse)
async def settings_page(request: Request, uow: UowDep, visitor: VisitorDep) -> Response:
    return await _page(request, uow, visitor)


@router.post("/language")
async def set_language(
    uow: UowDep, visitor: VisitorDep, language: Annotated[str, Form(max_length=10)] = ""
) -> Response:
    if language in SUPPORTED_LANGUAGES:
        await accounts.set_language(uow, actor=actor_of(visitor), language=language)
        await uow.commit()
    return redirect("/settings", notice="saved")


@router.post("/tokens", response_class=HTMLResponse)
async def create_token(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[list[str] | None, Form(max_length=40)] = None,
) -> Response:
    try:
        issued = await api_tokens.create_api_token(
            uow, actor=actor_of(visitor), name=name, scopes=scope or []
        )
    except ChatdeskError as refused:
        return await _refused(request, uow, visitor, refused)
    await uow.commit()
    return await _page(request, uow, visitor, issued=issued, status_code=201)


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, uow: UowDep, visitor: VisitorDep, token_id: int
) -> Response:
    try:
        await api_tokens.revoke_api_token(uow, actor=actor_of(visitor), token_id=token_id)
    except ChatdeskError as refused:
        return await _refused(request, uow, visitor, refused)
    await uow.commit()
    return redirect("/settings", notice="revoked")


@router.get("/accounts", response_class=HTMLResponse, dependencies=[role_at_least(Role.ADMIN)])
async def accounts_page(request: Request, panel: PanelDep, uow: UowDep) -> Response:
    now = panel.database.clock.now()
    rows = []
    for account in await uow.accounts.all():
        person = await uow.people.get(account.person_id)
        blocked = account.blocked_until()
        rows.append((account, person, blocked if blocked and blocked > now else None))
    return render(request, "accounts.html", {"section": "settings", "rows": rows})
