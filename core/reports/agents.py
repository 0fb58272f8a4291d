"""Agents: tickets each agent resolved in the range, how fast, how they were rated, and what
each has open now."""

from __future__ import annotations

from core.reports.facts import AgentFigures, ReportData
from core.reports.stats import mean_of, whole_seconds
from core.reports.tables import Chart, Report, Table, Value


def agents_report(data: ReportData) -> Report:
    load = data.open_now.by_agent
    rows: list[tuple[Value, ...]] = []
    for agent in sorted(data.agents.keys() | load.keys()):
        figures = data.agents.get(agent, AgentFigures())
        rows.append(
            (
                agent,
                figures.handled,
                whole_seconds(figures.response_median),
                whole_seconds(figures.resolution_median),
                figures.rated,
                mean_of(figures.rating_sum, figures.rated),
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
