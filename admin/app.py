"""The admin web app: server-rendered pages for people, a JSON API for programs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from admin.health import add_health_route
from core.domain.enums import TicketStatus
from core.domain.numbers import parse_ticket_number
from core.settings import Settings
from core.supervision import HealthRegistry
from storage import read_models as queries
from storage.unit_of_work import Database

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(
    *, settings: Settings, database: Database, health: HealthRegistry | None = None
) -> FastAPI:
    app = FastAPI(title="chatdesk admin", version="0.1.0")
    app.state.settings = settings
    app.state.database = database
    add_health_route(
        app,
        database=database,
        registry=health or HealthRegistry(),
        down_after=timedelta(seconds=settings.health_channel_down_after),
    )

    async def _ticket_detail(raw: str) -> queries.TicketDetail:
        """The ticket a URL names; 404 for one that does not exist or cannot (¹⁰⁰¹, 25 digits)."""
        number = parse_ticket_number(raw)
        found = None
        if number is not None:
            async with database.uow() as uow:
                found = await queries.ticket_detail(uow, number)
        if found is None:
            raise HTTPException(404, f"There is no ticket #{raw[:40]}.")
        return found

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard(request: Request) -> Any:
        async with database.uow() as uow:
            counts = await queries.status_counts(uow)
            rows = await queries.recent_tickets(uow)
        return TEMPLATES.TemplateResponse(
            request,
            "dashboard.html",
            {
                "counts": counts,
                "statuses": list(TicketStatus),
                "rows": rows,
                "telegram": settings.telegram_enabled,
                "slack": settings.slack_enabled,
            },
        )

    @app.get("/tickets/{number}", response_class=HTMLResponse, include_in_schema=False)
    async def ticket_page(request: Request, number: str) -> Any:
        found = await _ticket_detail(number)
        row, messages, audit, names = found
        return TEMPLATES.TemplateResponse(
            request,
            "ticket.html",
            {
                "row": row,
                "messages": messages,
                "audit": audit,
                "names": names,
                "describe": queries.describe_change,
            },
        )

    @app.get("/api/tickets")
    async def api_tickets(limit: int = 50) -> list[dict[str, Any]]:
        async with database.uow() as uow:
            rows = await queries.recent_tickets(uow, limit=max(1, min(limit, 500)))
        return [_ticket_json(row) for row in rows]

    @app.get("/api/tickets/{number}")
    async def api_ticket(number: str) -> dict[str, Any]:
        found = await _ticket_detail(number)
        row, messages, audit, names = found
        return {
            **_ticket_json(row),
            "description": row.ticket.description,
            "messages": [
                {
                    "author": names.get(m.author_id or 0),
                    "kind": m.kind.value,
                    "body": m.body,
                    "channel": m.channel,
                    "created_at": m.created_at,
                }
                for m in messages
            ],
            "audit": [
                {
                    "action": a.action,
                    "actor": names.get(a.actor_id or 0),
                    "field": a.field,
                    "old": a.old_value,
                    "new": a.new_value,
                    "channel": a.channel,
                    "at": a.created_at,
                }
                for a in audit
            ],
        }

    return app


def _ticket_json(row: queries.TicketRow) -> dict[str, Any]:
    ticket = row.ticket
    return {
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "type": ticket.type.value,
        "requester": row.requester,
        "assignee": row.assignee,
        "channel": ticket.origin_channel,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "rating": ticket.rating_score,
    }
