"""SLA in the panel (supervisors and admins): policies (targets per priority, optionally per
type or category), business calendars with their holidays, which group works on which calendar,
and the follow-up timings. Every change goes through :mod:`core.services.sla_config`, the same
checks as ``chatdesk sla`` and ``chatdesk calendar``; then the open tickets' clocks are
recomputed, after the answer is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from admin.changes import apply_change, choice
from admin.deps import PanelDep, UowDep, VisitorDep, csrf_protected, role_at_least
from admin.templating import redirect, render
from core.domain.calendar_text import format_hours
from core.domain.enums import Priority, Role, TicketType
from core.domain.priority import parse_priority
from core.domain.sla import Escalation
from core.services import sla_config
from core.services.accounts import Visitor
from core.services.clocks import AUTOMATION_OPTIONS, ensure_defaults, load_clockwork, recompute_all
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/sla",
    include_in_schema=False,
    dependencies=[Depends(csrf_protected), role_at_least(Role.SUPERVISOR)],
)
Field = Annotated[str, Form(max_length=200)]
Hours = Annotated[str, Form(max_length=1000)]
Change = Callable[[SqlUnitOfWork], Awaitable[Any]]


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, panel: PanelDep, uow: UowDep) -> Response:
    if await ensure_defaults(uow, timezone=panel.settings.timezone):
        await uow.commit()
    return await _page(request, uow)


async def _page(
    request: Request,
    uow: SqlUnitOfWork,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    work = await load_clockwork(uow)
    groups = await uow.catalog.groups()
    default = next((c for c in work.calendars if c.is_default), None)
    return render(
        request,
        "sla.html",
        {
            "section": "sla",
            "policies": work.policies,
            "calendars": work.calendars,
            "hours_of": lambda calendar: "; ".join(format_hours(calendar.periods)),
            "groups": groups,
            "calendar_names": {c.id: c.name for c in work.calendars},
            "default_calendar": default.name if default else "",
            "follow_ups": {name: getattr(work.automation, name) for name in AUTOMATION_OPTIONS},
            "priorities": list(Priority),
            "types": list(TicketType),
            "categories": await uow.catalog.categories(active_only=False),
            "escalations": list(Escalation),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


async def _apply(
    request: Request,
    panel: PanelDep,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    background: BackgroundTasks,
    change: Change,
    *,
    form: dict[str, str],
) -> Response:
    """Run one change (the page again with the reason and the typed values on a refusal);
    after success, recompute the open tickets' clocks once the answer is out."""

    async def run() -> Response:
        await ensure_defaults(uow, timezone=panel.settings.timezone)
        await change(uow)
        background.add_task(recompute_all, panel.database.uow)
        return redirect("/sla", notice="sla_saved")

    async def refused(error: str, status_code: int) -> Response:
        return await _page(request, uow, error=error, form=form, status_code=status_code)

    return await apply_change(uow, visitor, run, refused_page=refused)


@router.post("/policies")
async def save_policy(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    priority: Field = "",
    ticket_type: Field = "",
    category: Field = "",
    response: Field = "",
    resolve: Field = "",
    warn: Field = "",
    escalation: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        return await sla_config.set_policy(
            uow,
            priority=parse_priority(priority),
            response=response.strip() or None,
            resolve=resolve.strip() or None,
            ticket_type=choice(TicketType, ticket_type, "type"),
            category=category.strip() or None,
            warn=warn.strip() or None,
            escalation=choice(Escalation, escalation, "breach action"),
        )

    typed = {"priority": priority, "ticket_type": ticket_type, "category": category}
    typed |= {"response": response, "resolve": resolve, "warn": warn, "escalation": escalation}
    return await _apply(request, panel, uow, visitor, background, change, form=typed)


@router.post("/policies/remove")
async def remove_policy(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    priority: Field = "",
    ticket_type: Field = "",
    category: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        await sla_config.remove_policy(
            uow,
            priority=parse_priority(priority),
            ticket_type=choice(TicketType, ticket_type, "type"),
            category=category or None,
        )

    return await _apply(request, panel, uow, visitor, background, change, form={})


@router.post("/calendars")
async def save_calendar(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    name: Field = "",
    hours: Hours = "",
    timezone: Field = "",
    default: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        return await sla_config.set_calendar(
            uow,
            name=name,
            hours=hours.strip() or None,
            timezone=timezone.strip() or None,
            default=bool(default),
        )

    typed = {"calendar_name": name, "hours": hours, "timezone": timezone}
    return await _apply(request, panel, uow, visitor, background, change, form=typed)


@router.post("/calendars/remove")
async def remove_calendar(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    name: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        await sla_config.remove_calendar(uow, name=name)

    return await _apply(request, panel, uow, visitor, background, change, form={})


@router.post("/calendars/holidays")
async def add_holiday(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    calendar: Field = "",
    date: Field = "",
    label: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        return await sla_config.add_holiday(uow, calendar=calendar, date=date, name=label.strip())

    typed = {"holiday_calendar": calendar, "date": date, "label": label}
    return await _apply(request, panel, uow, visitor, background, change, form=typed)


@router.post("/calendars/holidays/remove")
async def remove_holiday(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    calendar: Field = "",
    date: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        return await sla_config.remove_holiday(uow, calendar=calendar, date=date)

    return await _apply(request, panel, uow, visitor, background, change, form={})


@router.post("/groups")
async def group_calendar(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    group: Field = "",
    calendar: Field = "",
) -> Response:
    async def change(uow: SqlUnitOfWork) -> Any:
        await sla_config.use_calendar(uow, group=group, calendar=calendar or None)

    return await _apply(request, panel, uow, visitor, background, change, form={})


@router.post("/follow-ups")
async def follow_ups(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    background: BackgroundTasks,
    rating_reminder: Field = "",
    auto_close: Field = "",
    waiting_reminder: Field = "",
    waiting_resolve: Field = "",
) -> Response:
    given = {
        "rating_reminder": rating_reminder,
        "auto_close": auto_close,
        "waiting_reminder": waiting_reminder,
        "waiting_resolve": waiting_resolve,
    }

    async def change(uow: SqlUnitOfWork) -> Any:
        for name, value in given.items():
            if value.strip():
                await sla_config.set_follow_up(uow, name=name, value=value)

    return await _apply(request, panel, uow, visitor, background, change, form=given)
