"""Speed and SLA: first-response and resolution times, and how many targets were kept.

Both look at the tickets created in the range.
"""

from __future__ import annotations

from core.domain.sla import SlaState
from core.reports.facts import ReportData, SlaPair, grouped_by
from core.reports.load import created_in_range
from core.reports.stats import median, p90, share, whole_seconds
from core.reports.tables import Chart, Report, Table, Value
from core.reports.timings import Timing, Timings

SPEED_COLUMNS = (
    "responded",
    "response_median_work_s",
    "response_p90_work_s",
    "response_median_calendar_s",
    "resolved",
    "resolution_median_work_s",
    "resolution_p90_work_s",
    "resolution_median_calendar_s",
)
FINAL = (SlaState.MET, SlaState.BREACHED)


def speed_report(data: ReportData) -> Report:
    timings = Timings(data)
    created = created_in_range(data)
    measured = [timings.of(ticket) for ticket in created]
    overall = Table(
        "overall",
        "First response and resolution",
        ("measure", "tickets", "median_s", "p90_s"),
        [
            _summary("first response, working time", [m.response_work for m in measured]),
            _summary("first response, calendar time", [m.response_calendar for m in measured]),
            _summary("resolution, working time", [m.resolution_work for m in measured]),
            _summary("resolution, calendar time", [m.resolution_calendar for m in measured]),
        ],
        Chart.GROUPED,
        ("median_s", "p90_s"),
    )
    tables = [overall]
    for key, title, attribute in (
        ("by_priority", "By priority", "priority"),
        ("by_group", "By group", "group"),
        ("by_category", "By category", "category"),
        ("by_agent", "By agent", "agent"),
    ):
        rows = [
            (label, *_speed_row([timings.of(t) for t in tickets]))
            for label, tickets in grouped_by(created, attribute)
        ]
        tables.append(
            Table(
                key,
                title,
                (attribute, *SPEED_COLUMNS),
                rows,
                Chart.GROUPED,
                ("response_median_work_s", "resolution_median_work_s"),
            )
        )
    return Report("speed", tables)


def _summary(measure: str, values: list[float | None]) -> tuple[Value, ...]:
    present = [v for v in values if v is not None]
    return (measure, len(present), whole_seconds(median(present)), whole_seconds(p90(present)))


def _speed_row(measured: list[Timing]) -> tuple[Value, ...]:
    work = [m.response_work for m in measured if m.response_work is not None]
    calendar = [m.response_calendar for m in measured if m.response_calendar is not None]
    fix = [m.resolution_work for m in measured if m.resolution_work is not None]
    fix_calendar = [m.resolution_calendar for m in measured if m.resolution_calendar is not None]
    return (
        len(work),
        whole_seconds(median(work)),
        whole_seconds(p90(work)),
        whole_seconds(median(calendar)),
        len(fix),
        whole_seconds(median(fix)),
        whole_seconds(p90(fix)),
        whole_seconds(median(fix_calendar)),
    )


def sla_report(data: ReportData) -> Report:
    counted = data.sla.states
    summary_rows: list[tuple[Value, ...]] = []
    overall = counted.get("all", {}).get("", {})
    for index, target in enumerate(("response", "resolution")):
        met, breached, running = _tally(overall, index)
        summary_rows.append((target, met, breached, running, share(met, met + breached)))
    summary = Table(
        "summary",
        "Targets met",
        ("target", "met", "breached", "running", "met_percent"),
        summary_rows,
        Chart.GROUPED,
        ("met", "breached", "running"),
    )
    tables = [summary]
    for key, title, attribute in (
        ("by_group", "Breaches by group", "group"),
        ("by_category", "Breaches by category", "category"),
    ):
        rows = [
            (label, *_breach_row(pairs))
            for label, pairs in sorted(counted.get(attribute, {}).items())
            if any(r or s for (r, s), n in pairs.items() if n)
        ]
        tables.append(
            Table(
                key,
                title,
                (
                    attribute,
                    "response_breached",
                    "resolution_breached",
                    "response_met_percent",
                    "resolution_met_percent",
                ),
                rows,
                Chart.GROUPED,
                ("response_breached", "resolution_breached"),
            )
        )
    breached_rows: list[tuple[Value, ...]] = [
        (
            t.number,
            t.title,
            t.priority.value,
            t.group,
            t.category,
            t.agent,
            _state(t.response_state),
            _state(t.resolution_state),
            t.created_at.astimezone(data.query.zone).strftime("%Y-%m-%d %H:%M"),
        )
        for t in sorted(data.sla.breached, key=lambda t: t.number)
    ]
    tables.append(
        Table(
            "breached",
            "Breached tickets",
            (
                "ticket",
                "title",
                "priority",
                "group",
                "category",
                "agent",
                "response",
                "resolution",
                "created",
            ),
            breached_rows,
            Chart.NONE,
        )
    )
    return Report("sla", tables)


def _tally(pairs: dict[SlaPair, int], index: int) -> tuple[int, int, int]:
    """(met, breached, running) of one target (0: response, 1: resolution)."""
    met = breached = running = 0
    for pair, count in pairs.items():
        state = pair[index]
        if state == SlaState.MET:
            met += count
        elif state == SlaState.BREACHED:
            breached += count
        elif state in (SlaState.OK, SlaState.WARNING):
            running += count
    return met, breached, running


def _breach_row(pairs: dict[SlaPair, int]) -> tuple[Value, ...]:
    out: list[Value] = []
    shares: list[Value] = []
    for index in (0, 1):
        met, breached, _ = _tally(pairs, index)
        out.append(breached)
        shares.append(share(met, met + breached))
    return (*out, *shares)


def _state(state: SlaState | None) -> str:
    return state.value if state is not None else "—"
