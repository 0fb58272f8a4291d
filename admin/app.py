"""The admin web app: server-rendered pages for people, a JSON API for programs.

Nothing here is open to anonymous visitors except the sign-in page, the static assets and
``/healthz``; the messenger webhooks the bots add to this app carry their own secrets. Pages
redirect an anonymous visitor to the sign-in page; the API (``/api/v1``) answers 401.

A messenger's request URL that must answer within a deadline (Slack's 3 s ack) is a *direct
route*: :class:`AdminApp` hands it to its ASGI app before anything of the panel's (middleware,
routing, sessions), which it does not need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from admin.deps import Forbidden, LoginRequired, Panel
from admin.health import add_health_route
from admin.i18n import translator
from admin.routes import auth, canned, kb, kb_review, people, reports, routing, sla, tickets
from admin.routes import settings as settings_routes
from admin.routes.api import build_api, problem
from admin.security import SecurityHeaders
from admin.templating import language_of, redirect, render
from core.channels import ChannelProfile
from core.services.knowledge_index import KnowledgeBase
from core.settings import Settings
from core.supervision import HealthRegistry
from storage.unit_of_work import Database

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY = 1024 * 1024  # forms and JSON; the knowledge-base import route allows more


class AdminApp(FastAPI):
    """The panel, plus direct routes: an exact path served by its own ASGI app, ahead of the
    panel's middleware and router (one dictionary look-up per request)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._direct: dict[str, ASGIApp] = {}

    def add_direct_route(self, path: str, app: ASGIApp) -> None:
        """Serve ``path`` (HTTP, any method) with ``app``; bodies over the panel's limit get
        413 before ``app`` reads them."""
        self._direct[path] = RequestBodyLimitMiddleware(app, max_body_size=MAX_BODY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (direct := self._direct.get(scope["path"])) is not None:
            await direct(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    *,
    settings: Settings,
    database: Database,
    knowledge: KnowledgeBase | None = None,
    after_commit: Callable[[], None] | None = None,
    health: HealthRegistry | None = None,
    channels: Sequence[ChannelProfile] = (),
) -> AdminApp:
    """``knowledge``: the running process's suggestion index, so an article saved in the panel
    is suggested at once. ``after_commit``: called after each change (wakes the outbox).
    ``health``: what ``/healthz`` reports on (channels, background workers). ``channels``: the
    messengers whose user ids ``POST /api/v1/people`` takes."""
    app = AdminApp(
        title="chatdesk admin",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        max_body_size=MAX_BODY,
    )
    panel = Panel(
        settings=settings,
        database=database,
        knowledge=knowledge or KnowledgeBase(),
        after_commit=after_commit or (lambda: None),
        channels=channels,
    )
    app.state.panel = panel
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/api/v1", build_api(panel))
    app.include_router(auth.router)
    app.include_router(tickets.router)
    app.include_router(settings_routes.router)
    app.include_router(kb_review.router)
    app.include_router(kb.router)
    app.include_router(people.router)
    app.include_router(canned.router)
    app.include_router(sla.router)
    app.include_router(routing.router)
    app.include_router(reports.router)
    _install_page_handlers(app)

    app.add_middleware(SecurityHeaders)
    add_health_route(
        app,
        database=database,
        registry=health or HealthRegistry(),
        down_after=timedelta(seconds=settings.health_channel_down_after),
    )
    return app


def _install_page_handlers(app: FastAPI) -> None:
    async def login_required(request: Request, _: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(f"/login?next={quote(target, safe='')}")

    async def forbidden(request: Request, error: Exception) -> Response:
        assert isinstance(error, Forbidden)
        _ = translator(language_of(request))
        return render(
            request, "forbidden.html", {"reason": _(error.message, **error.params)}, status_code=403
        )

    async def not_understood(request: Request, _: Exception) -> Response:
        return render(request, "not_found.html", {"what": None, "bad": True}, status_code=400)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if request.url.path.startswith("/api/"):
            # a path the API's mount cannot even match (a newline in it): still a problem document
            return problem(error.status_code, "Not Found" if error.status_code == 404 else "Error")
        if error.status_code == 404:
            return render(request, "not_found.html", {"what": None}, status_code=404)
        return Response(
            str(error.detail),
            status_code=error.status_code,
            media_type="text/plain",
            headers=error.headers,
        )

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(RequestValidationError, not_understood)
    app.add_exception_handler(HTTPException, http_error)
