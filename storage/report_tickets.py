"""Keeping the reports' summary table (``report_tickets``: one row per ticket) correct.

**When tickets change.** Every change to a ticket goes through the ORM, so the session itself
notices it: before each flush, :func:`note_changes` remembers the tickets whose reported columns
or timing inputs changed (a new ticket, a reply's first response, a resolution, a reopening, a
rating, a new priority, group, assignee...); when the unit of work commits, :func:`write_changed`
measures each one (:func:`core.reports.timings.measure`, on the ticket's SLA calendar) and
upserts its row, in the same transaction as the change. Nothing else writes tickets, so no use
case has to remember to call anything.

**Rows written behind the ORM's back** (the migration that created the table over existing
tickets, bulk loads in tests and benchmarks): :func:`backfill` fills in every ticket without a
row, in batches, with the same measurement.

Working times are measured with the calendar in force when the ticket last changed; changing a
calendar later leaves the finished tickets' figures as they were measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.domain.calendars import BusinessCalendar, office_hours, pick_calendar
from core.domain.entities import Ticket
from core.domain.sla_clock import SlaClock
from core.reports.ruler import Rulers
from core.reports.timings import TimingInputs, WorkingSeconds, exact_seconds, measure
from core.services.clocks import DEFAULT_CALENDAR, load_clockwork
from storage import tables as t
from storage.desk_repositories import _calendar

if TYPE_CHECKING:
    from storage.unit_of_work import SqlUnitOfWork

R = t.report_tickets
# Copied from the ticket as they are (same column names in both tables).
MIRRORED = (
    "created_at",
    "resolved_at",
    "closed_at",
    "status",
    "priority",
    "type",
    "origin_channel",
    "group_id",
    "category_id",
    "assignee_id",
    "rating_score",
)
# Ticket attributes whose change may change the row (the SLA clock is compared by its parts).
WATCHED = (*MIRRORED, "first_response_at")
NOTED = "report_tickets_changed"
BATCH = 5000


def _clock_part(clock: SlaClock | None) -> tuple[Any, ...]:
    if clock is None:
        return ()
    return (clock.response_state, clock.resolution_state, clock.paused_seconds, clock.paused_since)


def _changed(ticket: Ticket) -> bool:
    state = inspect(ticket)
    if state.key is None:  # not stored yet
        return True
    attrs = state.attrs
    if any(attrs[name].history.has_changes() for name in WATCHED):
        return True
    history = attrs.sla.history
    if not history.has_changes():
        return False
    before = history.deleted[0] if history.deleted else None
    after = history.added[0] if history.added else None
    return before is None or _clock_part(before) != _clock_part(after)


def note_changes(session: Session, _context: Any = None, _instances: Any = None) -> None:
    """A ``before_flush`` listener: remember the tickets whose summary row must be rewritten."""
    noted: dict[int, Ticket] = session.info.setdefault(NOTED, {})
    for entity in (*session.new, *session.dirty):
        if isinstance(entity, Ticket) and _changed(entity):
            noted[id(entity)] = entity


def forget_changes(session: Session) -> None:
    session.info.pop(NOTED, None)


async def write_changed(uow: SqlUnitOfWork) -> None:
    """Rewrite the summary rows of the tickets changed in this unit of work (before commit)."""
    session = uow.session
    note_changes(session.sync_session)  # what changed since the last flush
    noted: dict[int, Ticket] = session.info.pop(NOTED, {})
    if not noted:
        return
    await session.flush()
    rows = []
    for ticket in noted.values():
        state = inspect(ticket)
        if state.was_deleted or state.detached:
            continue
        if state.expired:  # its changes were rolled back with a savepoint: read it again
            await session.refresh(ticket)
        calendar = None
        if ticket.first_response_at is not None or ticket.resolved_at is not None:
            # Read once per unit of work, and usually already read by the SLA clock's refresh.
            work = await load_clockwork(uow)
            calendar = await work.calendar_for(uow, ticket.group_id)
        rows.append(_row(ticket, calendar))
    if rows:
        await session.execute(_upsert(session.get_bind().dialect.name), rows)


def _row(ticket: Ticket, calendar: BusinessCalendar | None) -> dict[str, Any]:
    """The ticket's summary row; ``calendar`` may be None when nothing is measured yet."""
    clock = ticket.sla
    assert ticket.created_at is not None  # the use case that opened it set it
    inputs = TimingInputs(
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        paused_seconds=clock.paused_seconds if clock else 0.0,
        paused_since=clock.paused_since if clock else None,
    )
    row = {name: getattr(ticket, name) for name in MIRRORED}
    row.update(
        ticket_id=ticket.id,
        response_state=clock.response_state if clock else None,
        resolution_state=clock.resolution_state if clock else None,
        **_timing_columns(inputs, calendar or office_hours(DEFAULT_CALENDAR), exact_seconds),
    )
    return row


def _timing_columns(
    inputs: TimingInputs, calendar: BusinessCalendar, seconds: WorkingSeconds
) -> dict[str, float | None]:
    timing = measure(inputs, calendar, seconds)
    return {
        "response_work_s": timing.response_work,
        "response_calendar_s": timing.response_calendar,
        "resolution_work_s": timing.resolution_work,
        "resolution_calendar_s": timing.resolution_calendar,
    }


def _upsert(dialect: str) -> Any:
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(R)
    return statement.on_conflict_do_update(
        index_elements=[R.c.ticket_id],
        set_={c.name: statement.excluded[c.name] for c in R.columns if c.name != "ticket_id"},
    )


# ---- backfill -------------------------------------------------------------------------------

T = t.tickets
_SOURCE = (
    T.c.id,
    *(T.c[name] for name in MIRRORED),
    T.c.response_state,
    T.c.resolution_state,
    T.c.first_response_at,
    T.c.sla_paused_seconds,
    T.c.sla_paused_since,
)


def backfill(connection: Connection, *, batch: int = BATCH) -> int:
    """Write the summary row of every ticket that has none; returns how many. Synchronous, so
    a migration can run it (async callers: ``await connection.run_sync(backfill)``)."""
    calendars = _calendars(connection)
    missing = ~select(R.c.ticket_id).where(R.c.ticket_id == T.c.id).exists()
    span = connection.execute(
        select(
            func.min(T.c.created_at),
            func.max(func.coalesce(T.c.resolved_at, T.c.first_response_at, T.c.created_at)),
        ).where(missing)
    ).one()
    if span[0] is None:
        return 0
    rulers = Rulers(span[0].date(), span[1].date())
    upsert = _upsert(connection.dialect.name)
    done, after = 0, 0
    while True:
        rows = connection.execute(
            select(*_SOURCE).where(missing, T.c.id > after).order_by(T.c.id).limit(batch)
        ).all()
        if not rows:
            return done
        connection.execute(upsert, list(_backfilled(rows, calendars, rulers.seconds)))
        done, after = done + len(rows), rows[-1].id


def _backfilled(
    rows: Sequence[Any], calendars: dict[int | None, BusinessCalendar], seconds: WorkingSeconds
) -> Iterator[dict[str, Any]]:
    for row in rows:
        inputs = TimingInputs(
            created_at=row.created_at,
            first_response_at=row.first_response_at,
            resolved_at=row.resolved_at,
            paused_seconds=row.sla_paused_seconds or 0.0,
            paused_since=row.sla_paused_since,
        )
        calendar = calendars.get(row.group_id) or calendars[None]
        values = {name: getattr(row, name) for name in MIRRORED}
        values.update(
            ticket_id=row.id,
            response_state=row.response_state,
            resolution_state=row.resolution_state,
            **_timing_columns(inputs, calendar, seconds),
        )
        yield values


def _calendars(connection: Connection) -> dict[int | None, BusinessCalendar]:
    """Group id → its SLA calendar; ``None`` → the default (as the SLA clocks pick them)."""
    stored = [_calendar(row) for row in connection.execute(select(t.calendars)).mappings()]
    return group_calendars(
        stored, connection.execute(select(t.groups.c.id, t.groups.c.calendar_id))
    )


def group_calendars(
    stored: list[BusinessCalendar], groups: Iterable[Any]
) -> dict[int | None, BusinessCalendar]:
    fallback = office_hours(DEFAULT_CALENDAR)
    found: dict[int | None, BusinessCalendar] = {
        None: pick_calendar(stored, group_calendar_id=None) or fallback
    }
    for group_id, calendar_id in groups:
        found[group_id] = pick_calendar(stored, group_calendar_id=calendar_id) or fallback
    return found
