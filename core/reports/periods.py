"""Local calendar buckets: which day, ISO week or month an instant falls in, in the report's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.reports.query import Period, ReportQuery


def bucket(moment: datetime, query: ReportQuery) -> str:
    return label(moment.astimezone(query.zone).date(), query.period)


def label(day: date, period: Period) -> str:
    if period == Period.DAY:
        return day.isoformat()
    if period == Period.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def buckets(query: ReportQuery) -> list[str]:
    """Every bucket the range touches, in order (empty ones too: a quiet week shows as zero)."""
    seen: dict[str, None] = {}
    day = query.first
    while day <= query.last:
        seen[label(day, query.period)] = None
        day += timedelta(days=1)
    return list(seen)
