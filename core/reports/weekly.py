"""The weekly summary: last week's load, SLA, CSAT and deflection beside the week before, as the
figures (:func:`week_summary`) and as a picture (:mod:`core.reports.picture`).

A week is an ISO week (Monday to Sunday) in the desk's time zone; "last week" is the latest
complete one, so the picture posted on Monday morning and one asked for on Thursday agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.ports import UnitOfWork
from core.reports.facts import ReportData
from core.reports.load import load_report
from core.reports.quality import quality_report
from core.reports.query import ReportQuery
from core.reports.self_help import self_help_report
from core.reports.speed import sla_report
from core.reports.tables import Value


@dataclass(frozen=True, slots=True)
class WeekFigures:
    label: str  # 2026-W48
    first: date
    last: date
    created: int
    resolved: int
    response_met: float | None  # percent of tickets created that week (of those decided)
    resolution_met: float | None
    csat: float | None  # mean rating of the tickets resolved that week
    rated: int
    deflection: float | None  # percent of self-help questions solved by an article
    asked: int


def last_complete_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def figures_of(data: ReportData) -> WeekFigures:
    volume = load_report(data).table("volume")
    sla = sla_report(data).table("summary").as_dict("met_percent")
    csat = quality_report(data).table("csat").rows[0]
    asked = self_help_report(data).table("summary").rows[0]
    year, week, _ = data.query.first.isocalendar()
    return WeekFigures(
        label=f"{year}-W{week:02d}",
        first=data.query.first,
        last=data.query.last,
        created=_total(volume.column("created")),
        resolved=_total(volume.column("resolved")),
        response_met=_number(sla.get("response")),
        resolution_met=_number(sla.get("resolution")),
        csat=_number(csat[4]),
        rated=int(csat[2] or 0),
        deflection=_number(asked[5]),
        asked=int(asked[1] or 0),
    )


async def week_summary(
    uow: UnitOfWork, *, timezone: str, today: date
) -> tuple[WeekFigures, WeekFigures]:
    """(last complete week, the week before) for the whole desk."""
    first, last = last_complete_week(today)
    weeks = []
    for shift in (0, 7):
        query = ReportQuery(
            first - timedelta(days=shift), last - timedelta(days=shift), timezone=timezone
        )
        weeks.append(figures_of(await uow.reports.facts(query)))
    return weeks[0], weeks[1]


def _total(values: list[Value]) -> int:
    return sum(int(v) for v in values if isinstance(v, int | float))


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None
