"""The admin web app: server-rendered pages for people, a JSON API for programs.

Nothing here is open to anonymous visitors except the sign-in page, the static assets and
``/healthz``; the messenger webhooks the bots add to this app carry their own secrets. Pages
redirect an anonymous visitor to the sign-in page; the API (``/api/v1``) answers 401.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from admin.deps import Forbidden, LoginRequired, Panel
from admin.health import add_health_route
from admin.i18n import translator
from admin.routes import auth, canned, kb, kb_review, people, reports, routing, sla, tickets
from admin.routes import settings as settings_routes
from admin.routes.api import build_api, problem
from admin.security import SECURITY_HEADERS
from admin.templating import language_of, redirect, render
from core.services.knowledge_index import KnowledgeBase
from core.settings import Settings
from core.supervision import HealthRegistry
from storage.unit_of_work import Database

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY = 1024 * 1024  # forms and JSON; the knowledge-base import route allows more


def create_app(
    *,
    settings: Settings,
    database: Database,
    knowledge: KnowledgeBase | None = None,
    after_commit: Callable[[], None] | None = None,
    health: HealthRegistry | None = None,
) -> FastAPI:
    """``knowledge``: the running process's suggestion index, so an article saved in the panel
    is suggested at once. ``after_commit``: called after each change (wakes the outbox).
    ``health``: what ``/healthz`` reports on (channels, background workers)."""
    app = FastAPI(
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

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path != "/healthz" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

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
