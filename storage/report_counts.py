"""Counting rows per day or hour of a report's time zone, in the database.

PostgreSQL turns each instant into local time itself (``AT TIME ZONE``, daylight saving
included) and groups by the local day or hour: a year is at most 366 (or 8,784) rows, however
many tickets there are. SQLite has no time zones: there the database groups by UTC quarter hour
(every zone in use is a whole number of quarter hours from UTC, so each quarter hour lies in one
local hour) and Python converts those to local time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, DateTime, FromClause, Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reports.facts import SLOT_SECONDS
from core.reports.query import ReportQuery

Unit = Literal["day", "hour"]


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
        local = func.date_trunc(unit, func.timezone(query.timezone, column), type_=DateTime)
        statement = select(local, *also_by, func.count()).select_from(source).where(*inside)
        rows = await session.execute(statement.group_by(local, *also_by))
        return {tuple(row[:-1]): int(row[-1]) for row in rows.all()}
    slot = cast(func.strftime("%s", column), Integer) // SLOT_SECONDS
    statement = select(slot, *also_by, func.count()).select_from(source).where(*inside)
    found: dict[tuple[Any, ...], int] = defaultdict(int)
    zone = query.zone
    for row in (await session.execute(statement.group_by(slot, *also_by))).all():
        moment = datetime.fromtimestamp(int(row[0]) * SLOT_SECONDS, UTC).astimezone(zone)
        start = moment.replace(minute=0, second=0, microsecond=0, tzinfo=None)
        if unit == "day":
            start = start.replace(hour=0)
        found[(start, *row[1:-1])] += int(row[-1])
    return dict(found)
