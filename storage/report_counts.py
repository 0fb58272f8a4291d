"""Counting rows per day or hour of a report's time zone, in the database.

Both first count per UTC quarter hour: every zone in use is a whole number of quarter hours
from UTC, so each quarter hour lies in one local hour. PostgreSQL then turns each quarter hour
into local time itself (``AT TIME ZONE``, daylight saving included) and groups by the local day
or hour: a year is at most 366 (or 8,784) rows, however many tickets there are. SQLite has no
time zones: there Python converts the quarter hours to local time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    DateTime,
    FromClause,
    Integer,
    Table,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.reports.facts import SLOT_SECONDS
from core.reports.query import ReportQuery

Unit = Literal["day", "hour"]
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # date_bin's origin: quarter hours from here


async def local_counts(
    session: AsyncSession,
    source: FromClause,
    column: ColumnElement[Any],
    query: ReportQuery,
    unit: Unit,
    where: Sequence[ColumnElement[bool]],
    *,
    also_by: Sequence[ColumnElement[Any]] = (),
) -> dict[tuple[Any, ...], int]:
    """Rows of ``source`` with ``column`` in the range, per (local start of the day or hour as
    a naive datetime, *values of ``also_by``)."""
    inside = (column >= query.start, column < query.end, *where)
    if session.get_bind().dialect.name == "postgresql":
        # Quarter hours first (cheap arithmetic per row), then local time for each quarter
        # hour (a year is 35,040 of them) rather than for each row.
        slot = func.date_bin(text("interval '15 minutes'"), column, EPOCH).label("slot")
        extra = [value.label(f"by_{i}") for i, value in enumerate(also_by)]
        counted = (
            select(slot, *extra, func.count().label("n"))
            .select_from(source)
            .where(*inside)
            .group_by(slot, *extra)
            .subquery()
        )
        local = func.date_trunc(unit, func.timezone(query.timezone, counted.c.slot), type_=DateTime)
        grouped = [counted.c[f"by_{i}"] for i in range(len(also_by))]
        rows = await session.execute(
            select(local, *grouped, func.sum(counted.c.n)).group_by(local, *grouped)
        )
        return {tuple(row[:-1]): int(row[-1]) for row in rows.all()}
    quarter = cast(func.strftime("%s", column), Integer) // SLOT_SECONDS
    statement = select(quarter, *also_by, func.count()).select_from(source).where(*inside)
    found: dict[tuple[Any, ...], int] = defaultdict(int)
    zone = query.zone
    for row in (await session.execute(statement.group_by(quarter, *also_by))).all():
        moment = datetime.fromtimestamp(int(row[0]) * SLOT_SECONDS, UTC).astimezone(zone)
        start = moment.replace(minute=0, second=0, microsecond=0, tzinfo=None)
        if unit == "day":
            start = start.replace(hour=0)
        found[(start, *row[1:-1])] += int(row[-1])
    return dict(found)


async def counts_per_key(
    session: AsyncSession,
    source: FromClause,
    keys: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]],
) -> list[dict[Any, int]]:
    """For each key expression, the rows of ``source`` per value of that key: counted once per
    combination of all the keys (one hash table, a few thousand groups), then added up here.
    PostgreSQL's ``GROUPING SETS`` kept a hash table per key: twice the time for a year."""
    per_key: list[dict[Any, int]] = [defaultdict(int) for _ in keys]
    for combination, n in (await counts_by(session, source, keys, where)).items():
        for found, value in zip(per_key, combination, strict=True):
            found[value] += n
    return [dict(found) for found in per_key]


async def counts_by(
    session: AsyncSession,
    source: FromClause,
    keys: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]],
) -> dict[tuple[Any, ...], int]:
    """The rows of ``source`` per combination of the values of ``keys``."""
    statement = select(*keys, func.count()).select_from(source).where(*where).group_by(*keys)
    return {tuple(row[:-1]): int(row[-1]) for row in (await session.execute(statement)).all()}


async def names_of(
    session: AsyncSession, table: Table, ids: Iterable[Any] | None = None
) -> dict[Any, str]:
    """Id → name of the rows of ``table`` (people: display name): all, or those of ``ids``."""
    named = table.c.display_name if "display_name" in table.c else table.c.name
    statement = select(table.c.id, named)
    if ids is not None:
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return {}
        statement = statement.where(table.c.id.in_(wanted))
    return {row_id: str(name) for row_id, name in (await session.execute(statement)).all()}


async def local_day_counts(
    session: AsyncSession,
    source: FromClause,
    columns: Sequence[ColumnElement[Any]],
    query: ReportQuery,
    where: Sequence[ColumnElement[bool]],
) -> list[dict[date, int]]:
    """For each timestamp column, the rows with it in the range per local day."""
    found = []
    for column in columns:
        days = await local_counts(session, source, column, query, "day", where)
        found.append({day.date(): n for (day,), n in days.items()})
    return found
