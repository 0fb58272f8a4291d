"""Speed and SLA: first-response and resolution times, and how many targets were kept.

Both look at the tickets created in the range.
"""

from __future__ import annotations

from core.domain.sla import SlaState
from core.reports.facts import ALL, SPEED_DIMENSIONS, ReportData, SlaPair, Spread
from core.reports.stats import share, whole_seconds
from core.reports.tables import Chart, Report, Table, Value

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
BREACHED_LISTED = 500  # the list shows the latest breached tickets; the counts cover them all
OVERALL = (
    ("first response, working time", "response_work"),
    ("first response, calendar time", "response_calendar"),
    ("resolution, working time", "resolution_work"),
    ("resolution, calendar time", "resolution_calendar"),
)
TITLES = {"priority": "By priority", "group": "By group", "category": "By category"}


def speed_report(data: ReportData) -> Report:
    """The tickets created in the range, measured and aggregated by the database
    (:class:`core.reports.facts.Speeds`)."""
    by = data.speeds.by
    whole = by.get(ALL, {}).get("", {})
    overall = Table(
        "overall",
        "First response and resolution",
        ("measure", "tickets", "median_s", "p90_s"),
        [_summary(label, whole.get(measure, Spread())) for label, measure in OVERALL],
        Chart.GROUPED,
        ("median_s", "p90_s"),
    )
    tables = [overall]
    for dimension in SPEED_DIMENSIONS:
        rows = [
            (label, *_speed_row(spreads))
            for label, spreads in sorted(by.get(dimension, {}).items())
        ]
        tables.append(
            Table(
                f"by_{dimension}",
                TITLES.get(dimension, "By agent"),
                (dimension, *SPEED_COLUMNS),
                rows,
                Chart.GROUPED,
                ("response_median_work_s", "resolution_median_work_s"),
            )
        )
    return Report("speed", tables)


def _summary(measure: str, spread: Spread) -> tuple[Value, ...]:
    return (measure, spread.count, whole_seconds(spread.median), whole_seconds(spread.p90))


def _speed_row(spreads: dict[str, Spread]) -> tuple[Value, ...]:
    work = spreads.get("response_work", Spread())
    calendar = spreads.get("response_calendar", Spread())
    fix = spreads.get("resolution_work", Spread())
    fix_calendar = spreads.get("resolution_calendar", Spread())
    return (
        work.count,
        whole_seconds(work.median),
        whole_seconds(work.p90),
        whole_seconds(calendar.median),
        fix.count,
        whole_seconds(fix.median),
        whole_seconds(fix.p90),
        whole_seconds(fix_calendar.median),
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
