"""Load and rhythm: how many tickets came and went, of what kind, and when."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from core.reports.facts import ReportData
from core.reports.periods import buckets, day_bucket
from core.reports.query import Period, ReportQuery
from core.reports.stats import share
from core.reports.tables import Chart, Report, Table

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
AGE_BUCKETS = (
    ("< 1 day", timedelta(days=1)),
    ("1–3 days", timedelta(days=3)),
    ("3–7 days", timedelta(days=7)),
    ("7–30 days", timedelta(days=30)),
)
OLDEST_BUCKET = "≥ 30 days"


def load_report(data: ReportData) -> Report:
    query = data.query
    counts = data.counts
    volume_rows = {name: [0, 0, 0] for name in buckets(query)}
    for index, days in enumerate((counts.created, counts.resolved, counts.closed)):
        for day, count in days.items():
            volume_rows[day_bucket(day, query)][index] += count
    volume = Table(
        "volume",
        "Created, resolved and closed",
        ("period", "created", "resolved", "closed"),
        [(name, *figures) for name, figures in volume_rows.items()],
        Chart.LINE,
    )
    tables = [volume]
    for key, title, attribute in (
        ("by_category", "By category", "category"),
        ("by_group", "By group", "group"),
        ("by_channel", "By channel", "channel"),
        ("by_type", "By type", "type"),
    ):
        tally = Counter(counts.created_by.get(attribute, {}))
        tables.append(Table(key, title, (attribute, "created"), _ranked(tally)))
    tables.append(_backlog(data))
    tables.append(_open_ages(data))
    return Report("load", tables)


def _ranked(tally: Counter[str]) -> list[tuple[str | int | float | None, ...]]:
    return [(label, count) for label, count in sorted(tally.items(), key=lambda i: (-i[1], i[0]))]


def _backlog(data: ReportData) -> Table:
    """Open at each bucket's end: open when the range began, plus created, minus done since."""
    query = data.query
    delta = dict.fromkeys(buckets(query), 0)
    for days, sign in ((data.counts.created, 1), (data.counts.done, -1)):
        for day, count in days.items():
            delta[day_bucket(day, query)] += sign * count
    rows: list[tuple[str | int | float | None, ...]] = []
    running = data.backlog_at_start
    for name, change in delta.items():
        running += change
        rows.append((name, running))
    return Table("backlog", "Open at the end of each period", ("period", "open"), rows, Chart.LINE)


def _open_ages(data: ReportData) -> Table:
    """Counted by the database as "created within each limit" (cumulative), told apart here."""
    younger = data.open_now.younger_than
    rows: list[tuple[str | int | float | None, ...]] = []
    counted = 0
    for name, limit in AGE_BUCKETS:
        within = younger.get(limit, 0)
        rows.append((name, within - counted))
        counted = within
    rows.append((OLDEST_BUCKET, data.open_now.total - counted))
    return Table("open_ages", "Ages of the tickets open now", ("age", "open"), rows)


def rhythm_report(data: ReportData) -> Report:
    query = data.query
    grid = [[0] * 24 for _ in WEEKDAYS]
    months: Counter[str] = Counter()
    for local, count in data.counts.created_hourly.items():
        grid[local.weekday()][local.hour] += count
        months[f"{local.year:04d}-{local.month:02d}"] += count
    total = sum(data.counts.created_hourly.values())
    heatmap = Table(
        "heatmap",
        "Created tickets by weekday and hour",
        ("weekday", *(f"{hour:02d}" for hour in range(24))),
        [(day, *grid[index]) for index, day in enumerate(WEEKDAYS)],
        Chart.HEATMAP,
    )
    rows: list[tuple[str | int | float | None, ...]] = []
    previous: int | None = None
    for name in _month_labels(query):
        count = months.get(name, 0)
        change = None if not previous else round(100.0 * (count - previous) / previous, 1)
        rows.append((name, count, change))
        previous = count
    by_month = Table(
        "months",
        "Month over month",
        ("month", "created", "change_percent"),
        rows,
        Chart.BARS,
        ("created",),
    )
    by_weekday = Table(
        "weekdays",
        "Created tickets by weekday",
        ("weekday", "created", "share_percent"),
        [(day, sum(grid[i]), share(sum(grid[i]), total)) for i, day in enumerate(WEEKDAYS)],
        Chart.BARS,
        ("created",),
    )
    return Report("rhythm", [heatmap, by_weekday, by_month])


def _month_labels(query: ReportQuery) -> list[str]:
    return buckets(replace(query, period=Period.MONTH))
