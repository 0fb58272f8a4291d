"""Signing in and out. The only pages open to anonymous visitors are here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.deps import PanelDep, UowDep, VisitorDep, csrf_protected, signed_in_visitor
from admin.i18n import translator
from admin.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, new_token, same_token
from admin.templating import language_of, redirect, render
from core.services import accounts
from core.services.accounts import SignInRefused

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``/\\evil``, ``http:``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target[:2000]


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def _form(
    request: Request,
    *,
    next_url: str,
    email: str = "",
    error: str | None = None,
    first_run: bool = False,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    response = render(
        request,
        "login.html",
        {
            "login_csrf": token,
            "next_url": next_url,
            "email": email,
            "error": error,
            "first_run": first_run,
        },
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, panel: PanelDep, uow: UowDep, next: str = "/") -> Response:
    if await signed_in_visitor(request, panel, uow) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next_url=safe_next(next), first_run=await uow.accounts.count() == 0)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=2048)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    _ = translator(language_of(request))
    target = safe_next(next)
    if not same_token(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _form(
            request,
            next_url=target,
            email=email,
            error=_("The form has expired. Please sign in again."),
            status_code=403,
        )
    address = request.client.host if request.client else "unknown"
    wait = panel.throttle.retry_after(address)
    if wait:
        return _form(
            request,
            next_url=target,
            email=email,
            error=_("Too many failed attempts from your address. Try again later."),
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    try:
        signed_in = await accounts.sign_in(
            uow, email=email, password=password, idle_timeout=panel.idle_timeout
        )
    except SignInRefused as refused:
        await uow.commit()  # the failure counts toward throttling and lock-out
        panel.throttle.failed(address)
        blocked = refused.retry_after > 0
        return _form(
            request,
            next_url=target,
            email=email,
            error=refused.translated(language_of(request)),
            status_code=429 if blocked else 401,
            headers={"Retry-After": str(refused.retry_after)} if blocked else None,
        )
    await uow.commit()
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        panel.signer.sign(signed_in.token),
        max_age=int(accounts.SESSION_MAX_AGE.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[Depends(csrf_protected)])
async def logout(request: Request, panel: PanelDep, uow: UowDep, visitor: VisitorDep) -> Response:
    token = panel.signer.unsign(request.cookies.get(SESSION_COOKIE))
    if token:
        await accounts.sign_out(uow, token=token)
        await uow.commit()
    response = redirect("/login", notice="signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
