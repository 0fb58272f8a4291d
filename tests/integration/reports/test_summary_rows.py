"""The reports' summary table follows each change to a ticket, in the change's own transaction:
a reply's first response, waiting, resolving, reopening, a new priority, ratings (the latest
wins) — and the speed report reads the figures from there. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.domain.calendars import BusinessCalendar, always_open
from core.domain.enums import Priority, Role, TicketStatus
from core.ports import UnitOfWork
from core.reports.query import parse_query
from core.services import tickets, workflow
from core.services.clocks import ensure_defaults
from storage import tables
from storage.report_facts import run_report
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

Step = Callable[[UnitOfWork], Awaitable[Any]]


async def _row(db: Database) -> dict[str, Any]:
    async with db.uow() as uow:
        rows = (await uow.session.execute(select(tables.report_tickets))).mappings().all()
    assert len(rows) == 1
    return dict(rows[0])


async def _nonstop_desk(db: Database) -> None:
    """Working time round the clock, so working and calendar times differ only by pauses."""
    nonstop = always_open("nonstop", "UTC")
    async with db.uow() as uow:
        await uow.sla.save_calendar(
            BusinessCalendar("nonstop", "UTC", nonstop.periods, is_default=True)
        )
        await ensure_defaults(uow, timezone="UTC")
        await uow.commit()


async def test_each_change_rewrites_the_tickets_summary_row(db: Database, clock: FakeClock) -> None:
    await _nonstop_desk(db)
    await make_groups(db)
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    opened = clock.now()
    number = await open_ticket(db, rita, category="network")

    row = await _row(db)
    assert row["created_at"] == opened and row["status"] == TicketStatus.NEW
    assert row["response_work_s"] is None and row["resolution_work_s"] is None

    async def step(minutes: int, action: Step) -> dict[str, Any]:
        clock.current = opened + timedelta(minutes=minutes)
        async with db.uow() as uow:
            await action(uow)
            await uow.commit()
        return await _row(db)

    row = await step(5, lambda uow: workflow.claim(uow, actor=alice, number=number))
    assert row["assignee_id"] == alice.id and row["status"] == TicketStatus.ASSIGNED
    row = await step(
        10, lambda uow: workflow.set_priority(uow, actor=alice, number=number, priority=Priority.P2)
    )
    assert row["priority"] == Priority.P2
    row = await step(15, lambda uow: tickets.reply(uow, actor=alice, number=number, body="Office?"))
    assert (row["response_work_s"], row["response_calendar_s"]) == (900, 900)
    await step(
        20,
        lambda uow: workflow.change_status(
            uow, actor=alice, number=number, status=TicketStatus.WAITING
        ),
    )
    await step(40, lambda uow: tickets.reply(uow, actor=rita, number=number, body="Berlin"))
    row = await step(
        50, lambda uow: workflow.resolve(uow, actor=alice, number=number, resolution="AP")
    )
    # 50 minutes in all, 20 of them waiting on the requester
    assert (row["resolution_work_s"], row["resolution_calendar_s"]) == (1800, 3000)
    assert row["resolved_at"] is not None and row["status"] == TicketStatus.RESOLVED

    row = await step(60, lambda uow: workflow.reopen(uow, actor=rita, number=number, reason="no"))
    assert row["resolved_at"] is None and row["status"] == TicketStatus.IN_PROGRESS
    assert row["resolution_work_s"] is None and row["resolution_calendar_s"] is None
    assert row["response_work_s"] == 900  # the first response stays the first

    row = await step(
        70, lambda uow: workflow.resolve(uow, actor=alice, number=number, resolution="AP2")
    )
    # 70 minutes, less 20 waiting and the 10 it sat resolved before the reopening
    assert (row["resolution_work_s"], row["resolution_calendar_s"]) == (2400, 4200)
    row = await step(75, lambda uow: workflow.rate(uow, actor=rita, number=number, score=4))
    assert row["rating_score"] == 4 and row["status"] == TicketStatus.CLOSED
    assert row["closed_at"] is not None and row["resolution_work_s"] == 2400
    row = await step(80, lambda uow: workflow.rate(uow, actor=rita, number=number, score=2))
    assert row["rating_score"] == 2  # the latest rating wins, though nothing else changed

    day = opened.date().isoformat()
    query = parse_query(
        {"from": day, "to": day, "tz": "UTC"}, default_timezone="UTC", today=opened.date()
    )
    async with db.uow() as uow:
        speed = await run_report(uow, "speed", query)
        agents = await run_report(uow, "agents", query)
    assert speed.table("overall").rows == [
        ("first response, working time", 1, 900, 900),
        ("first response, calendar time", 1, 900, 900),
        ("resolution, working time", 1, 2400, 2400),
        ("resolution, calendar time", 1, 4200, 4200),
    ]
    assert speed.table("by_priority").rows == [("P2", 1, 900, 900, 900, 1, 2400, 2400, 4200)]
    assert agents.table("agents").rows == [("Alice", 1, 900, 2400, 1, 2.0, 0)]


async def test_a_rolled_back_change_leaves_the_row_as_it_was(
    db: Database, clock: FakeClock
) -> None:
    await _nonstop_desk(db)
    await make_groups(db)
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    before = await _row(db)
    clock.advance(minutes=5)
    async with db.uow() as uow:
        await workflow.set_priority(uow, actor=alice, number=number, priority=Priority.P1)
        await uow.flush()  # written, then abandoned: the summary row must not follow
    assert await _row(db) == before
