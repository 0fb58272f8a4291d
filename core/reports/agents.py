"""Agents: tickets each agent resolved in the range, how fast, how they were rated, and what
each has open now."""

from __future__ import annotations

from collections import Counter, defaultdict

from core.reports.facts import NONE_LABEL, ReportData, TicketFact
from core.reports.quality import csat_row, resolved_in_range
from core.reports.stats import median, whole_seconds
from core.reports.tables import Chart, Report, Table, Value
from core.reports.timings import Timings


def agents_report(data: ReportData) -> Report:
    timings = Timings(data)
    handled: dict[str, list[TicketFact]] = defaultdict(list)
    for ticket in resolved_in_range(data):
        if ticket.agent != NONE_LABEL:
            handled[ticket.agent].append(ticket)
    load = Counter(t.agent for t in data.open_now if t.agent != NONE_LABEL)
    rows: list[tuple[Value, ...]] = []
    for agent in sorted(handled.keys() | load.keys()):
        tickets = handled.get(agent, [])
        measured = [timings.of(t) for t in tickets]
        response = [m.response_work for m in measured if m.response_work is not None]
        fix = [m.resolution_work for m in measured if m.resolution_work is not None]
        rated, average, _ = csat_row(tickets)
        rows.append(
            (
                agent,
                len(tickets),
                whole_seconds(median(response)),
                whole_seconds(median(fix)),
                rated,
                average,
                load.get(agent, 0),
            )
        )
    table = Table(
        "agents",
        "Agents",
        (
            "agent",
            "handled",
            "response_median_work_s",
            "resolution_median_work_s",
            "rated",
            "csat_mean",
            "open_now",
        ),
        rows,
        Chart.GROUPED,
        ("handled", "open_now"),
    )
    return Report("agents", [table])
