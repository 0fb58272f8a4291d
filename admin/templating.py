"""Rendering pages: Jinja2 with autoescaping, the viewer's language, their CSRF token, times in
the desk's time zone, and one-shot notices after a redirect ("Reply sent.")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from admin.deps import Panel
from admin.i18n import negotiate, translator
from core.domain.enums import Role
from core.services.accounts import Visitor
from core.settings import LANGUAGE_NAMES

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["language_names"] = LANGUAGE_NAMES
FLASH_COOKIE = "chatdesk_flash"
# A notice is a key into this table, never text from the request, so a forged cookie shows
# nothing it should not.
NOTICES = {
    "signed_out": "You are signed out.",
    "replied": "Reply sent. The requester receives it in their messenger.",
    "noted": "Internal note added.",
    "assigned": "Assignee changed.",
    "priority": "Priority changed.",
    "status": "Status changed.",
    "saved": "Saved.",
    "deleted": "Deleted.",
    "sla_saved": "Saved. The open tickets' clocks are recomputed.",
    "canned_sent": "Canned reply sent. The requester receives it in their messenger.",
    "revoked": "The API token is revoked.",
    "proposed": "Your change is proposed; a supervisor will apply it.",
    "applied": "The proposed change is applied.",
    "discarded": "The proposed change is discarded.",
    "dismissed": "The question is taken off the log.",
    "phrasing": "The question is now a phrasing of the article.",
    "imported": "Import finished.",
}


def visitor_of(request: Request) -> Visitor | None:
    found: Visitor | None = getattr(request.state, "visitor", None)
    return found


def language_of(request: Request) -> str:
    visitor = visitor_of(request)
    if visitor is not None:
        return visitor.person.language
    panel: Panel = request.app.state.panel
    return negotiate(request.headers.get("accept-language"), panel.settings.default_language)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    panel: Panel = request.app.state.panel
    visitor = visitor_of(request)
    language = language_of(request)
    zone = panel.settings.zone
    notice_key = request.cookies.get(FLASH_COOKIE, "")

    def when(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        return moment.astimezone(zone).strftime(pattern) if moment else "—"

    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "visitor": visitor,
            "csrf": visitor.session.csrf_token if visitor else "",
            "supervisor": bool(visitor and visitor.person.has_role(Role.SUPERVISOR)),
            "admin": bool(visitor and visitor.person.has_role(Role.ADMIN)),
            "lang": language,
            "_": translator(language),
            "when": when,
            "notice": NOTICES.get(notice_key),
            **(context or {}),
        },
        status_code=status_code,
        headers=headers,
    )
    if notice_key:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, *, notice: str | None = None) -> RedirectResponse:
    """303 See Other (a form's POST becomes a GET), optionally with a notice for the next page."""
    response = RedirectResponse(url, status_code=303)
    if notice is not None:
        assert notice in NOTICES, notice
        response.set_cookie(
            FLASH_COOKIE, notice, max_age=60, path="/", httponly=True, samesite="lax"
        )
    return response
