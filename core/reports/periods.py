"""Local calendar buckets: which day, ISO week or month an instant falls in, in the report's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.reports.query import Period, ReportQuery


@lru_cache(maxsize=64)
def _boundaries(
    first: date, last: date, timezone: str, period: Period
) -> tuple[list[datetime], list[str]]:
    """Each bucket's first instant (UTC) and its name."""
    zone = ZoneInfo(timezone)
    starts: list[datetime] = []
    names: list[str] = []
    day = first
    while day <= last:
        name = label(day, period)
        if not names or names[-1] != name:
            names.append(name)
            starts.append(datetime.combine(day, time(), tzinfo=zone).astimezone(UTC))
        day += timedelta(days=1)
    return starts, names


def day_bucket(day: date, query: ReportQuery) -> str:
    """The bucket of a local date (dates outside the range go to the first or last)."""
    return label(min(max(day, query.first), query.last), query.period)


def label(day: date, period: Period) -> str:
    if period == Period.DAY:
        return day.isoformat()
    if period == Period.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def buckets(query: ReportQuery) -> list[str]:
    """Every bucket the range touches, in order (empty ones too: a quiet week shows as zero)."""
    return list(_boundaries(query.first, query.last, query.timezone, query.period)[1])
