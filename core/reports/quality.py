"""Quality: what requesters said about tickets resolved in the range (the latest rating each
ticket got wins), and how many tickets came back after they were resolved."""

from __future__ import annotations

from collections import Counter

from core.reports.facts import NONE_LABEL, ReportData, TicketFact, grouped_by
from core.reports.load import created_in_range
from core.reports.stats import mean, share
from core.reports.tables import Chart, Report, Table, Value

LATEST_COMMENTS = 10


def resolved_in_range(data: ReportData) -> list[TicketFact]:
    return [t for t in data.tickets if data.query.contains(t.resolved_at)]


def csat_row(tickets: list[TicketFact]) -> tuple[int, float | None, float | None]:
    """(rated, mean score, share of 4–5 in percent)."""
    scores = [t.rating for t in tickets if t.rating is not None]
    return len(scores), mean(scores), share(sum(1 for s in scores if s >= 4), len(scores))


def quality_report(data: ReportData) -> Report:
    resolved = resolved_in_range(data)
    rated, average, satisfied = csat_row(resolved)
    csat = Table(
        "csat",
        "Satisfaction (CSAT)",
        ("scope", "resolved", "rated", "response_percent", "mean", "satisfied_percent"),
        [("all", len(resolved), rated, share(rated, len(resolved)), average, satisfied)],
        Chart.NONE,
    )
    scores = Counter(t.rating for t in resolved if t.rating is not None)
    distribution = Table(
        "distribution",
        "Ratings 1–5",
        ("score", "ratings"),
        [(score, scores.get(score, 0)) for score in range(1, 6)],
    )
    tables = [csat, distribution]
    for key, title, attribute in (
        ("by_agent", "By agent", "agent"),
        ("by_category", "By category", "category"),
    ):
        rows: list[tuple[Value, ...]] = [
            (label, len(tickets), *csat_row(tickets))
            for label, tickets in grouped_by(resolved, attribute)
        ]
        tables.append(
            Table(
                key,
                title,
                (attribute, "resolved", "rated", "mean", "satisfied_percent"),
                rows,
                Chart.BARS,
                ("mean",),
            )
        )
    ever_resolved = [t for t in created_in_range(data) if t.resolved_at is not None or t.reopened]
    reopened = sum(1 for t in ever_resolved if t.reopened)
    tables.append(
        Table(
            "reopen",
            "Reopened after resolution",
            ("scope", "resolved_once", "reopened", "reopen_percent"),
            [("all", len(ever_resolved), reopened, share(reopened, len(ever_resolved)))],
            Chart.NONE,
        )
    )
    commented = sorted(
        (t for t in resolved if t.rating_comment and t.rated_at is not None),
        key=lambda t: (t.rated_at, t.number),
        reverse=True,
    )[:LATEST_COMMENTS]
    tables.append(
        Table(
            "comments",
            "Latest comments",
            ("ticket", "score", "agent", "comment", "rated"),
            [
                (
                    t.number,
                    t.rating,
                    t.agent if t.agent != NONE_LABEL else NONE_LABEL,
                    t.rating_comment,
                    t.rated_at.astimezone(data.query.zone).strftime("%Y-%m-%d %H:%M")
                    if t.rated_at
                    else None,
                )
                for t in commented
            ],
            Chart.NONE,
        )
    )
    return Report("quality", tables)
