"""Reports: ``/reports`` lists them, ``/reports/<name>`` shows one (charts, tables, a filter
form), ``/reports/<name>.csv`` exports the same figures with the same filters.

Supervisors and admins see them (they compare agents). Bad filters get the form back with
the reason and status 400, never a server error.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from admin.deps import PanelDep, UowDep, role_at_least
from admin.i18n import error_text, translator
from admin.report_view import REPORT_TITLES, show
from admin.templating import language_of, render
from core.domain.enums import Priority, Role, TicketType
from core.errors import ChatdeskError
from core.reports.catalog import REPORTS
from core.reports.query import FILTERS, RANGE_FIELDS, ReportQuery, parse_query
from core.reports.tables import to_csv
from storage.report_facts import filter_choices, run_report
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/reports", include_in_schema=False, dependencies=[role_at_least(Role.SUPERVISOR)]
)


@router.get("", response_class=HTMLResponse)
async def report_index(request: Request) -> Response:
    return render(request, "reports.html", _context(request, None, None, {}))


@router.get("/{name}.csv")
async def report_csv(request: Request, name: str, uow: UowDep, panel: PanelDep) -> Response:
    if name not in REPORTS:
        text = translator(language_of(request))("There is no report '{name}'.", name=name[:40])
        return PlainTextResponse(text, status_code=404)
    try:
        query = _query(request, uow, panel.settings.timezone)
        report = await run_report(uow, name, query)
    except ChatdeskError as refused:
        return PlainTextResponse(error_text(refused, language_of(request)), status_code=400)
    filename = f"chatdesk-{name}-{query.first}-{query.last}.csv"
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{name}", response_class=HTMLResponse)
async def report_page(request: Request, name: str, uow: UowDep, panel: PanelDep) -> Response:
    if name not in REPORTS:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    raw = _fields(request)
    try:
        query = _query(request, uow, panel.settings.timezone)
        report = await run_report(uow, name, query)
    except ChatdeskError as refused:
        context = _context(request, name, None, raw)
        context["error"] = error_text(refused, language_of(request))
        context["choices"] = await filter_choices(uow)
        return render(request, "reports.html", context, status_code=400)
    context = _context(request, name, query, query.as_text())
    context["tables"] = show(report, translator(language_of(request)))
    context["choices"] = await filter_choices(uow)
    return render(request, "reports.html", context)


def _fields(request: Request) -> dict[str, str]:
    return {key: value[:100] for key, value in request.query_params.items()}


def _query(request: Request, uow: SqlUnitOfWork, timezone: str) -> ReportQuery:
    today: date = uow.clock.now().astimezone(ZoneInfo(timezone)).date()
    return parse_query(_fields(request), default_timezone=timezone, today=today)


def _context(
    request: Request, name: str | None, query: ReportQuery | None, values: dict[str, str]
) -> dict[str, object]:
    shown = {key: value for key, value in values.items() if key in FILTERS + RANGE_FIELDS}
    return {
        "section": "reports",
        "reports": REPORT_TITLES,
        "name": name,
        "query": query,
        "values": shown,
        "csv_link": f"/reports/{name}.csv?{urlencode(shown)}" if name else None,
        "types": [t.value for t in TicketType],
        "priorities": [p.value for p in Priority],
        "tables": [],
        "error": None,
        "self_help": name == "self-help",
    }
