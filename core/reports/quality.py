"""Quality: what requesters said about tickets resolved in the range (the latest rating each
ticket got wins), and how many tickets came back after they were resolved."""

from __future__ import annotations

from collections import Counter

from core.reports.facts import ReportData
from core.reports.stats import mean_of, share
from core.reports.tables import Chart, Report, Table, Value

LATEST_COMMENTS = 10


def _csat_of(scores: dict[int | None, int]) -> tuple[int, int, float | None, float | None]:
    """(resolved, rated, mean score, share of 4–5 in percent) from counts per score."""
    resolved = sum(scores.values())
    rated = sum(n for score, n in scores.items() if score is not None)
    total = sum(score * n for score, n in scores.items() if score is not None)
    happy = sum(n for score, n in scores.items() if score is not None and score >= 4)
    return resolved, rated, mean_of(total, rated), share(happy, rated)


def _merged(parts: list[dict[int | None, int]]) -> dict[int | None, int]:
    merged: Counter[int | None] = Counter()
    for part in parts:
        merged.update(part)
    return dict(merged)


def quality_report(data: ReportData) -> Report:
    ratings = data.ratings
    everything = _merged(list(ratings.scores.values()))
    resolved, rated, average, satisfied = _csat_of(everything)
    csat = Table(
        "csat",
        "Satisfaction (CSAT)",
        ("scope", "resolved", "rated", "response_percent", "mean", "satisfied_percent"),
        [("all", resolved, rated, share(rated, resolved), average, satisfied)],
        Chart.NONE,
    )
    distribution = Table(
        "distribution",
        "Ratings 1–5",
        ("score", "ratings"),
        [(score, everything.get(score, 0)) for score in range(1, 6)],
    )
    tables = [csat, distribution]
    for key, title, attribute, index in (
        ("by_agent", "By agent", "agent", 0),
        ("by_category", "By category", "category", 1),
    ):
        parts: dict[str, list[dict[int | None, int]]] = {}
        for labels, scores in ratings.scores.items():
            parts.setdefault(labels[index], []).append(scores)
        rows: list[tuple[Value, ...]] = [
            (label, *_csat_of(_merged(group))) for label, group in sorted(parts.items())
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
    tables.append(
        Table(
            "reopen",
            "Reopened after resolution",
            ("scope", "resolved_once", "reopened", "reopen_percent"),
            [
                (
                    "all",
                    ratings.resolved_once,
                    ratings.reopened,
                    share(ratings.reopened, ratings.resolved_once),
                )
            ],
            Chart.NONE,
        )
    )
    tables.append(
        Table(
            "comments",
            "Latest comments",
            ("ticket", "score", "agent", "comment", "rated"),
            [
                (
                    c.number,
                    c.score,
                    c.agent,
                    c.comment,
                    c.rated_at.astimezone(data.query.zone).strftime("%Y-%m-%d %H:%M"),
                )
                for c in ratings.comments
            ],
            Chart.NONE,
        )
    )
    return Report("quality", tables)
