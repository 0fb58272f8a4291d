"""One SLA clock sweep over 100,000 open tickets, on SQLite and on PostgreSQL.

Fills a scratch database (migrated to head, so the real indexes) with tickets whose clocks were
computed by the real working-time arithmetic on the shipped calendar and policies: created over
the last weeks, P1-P4, new, assigned, in progress, waiting and resolved-unrated, everything
already past marked fired (as after the sweeps that ran before). Then, with the real
:class:`core.services.clock_sweep.ClockSweeper`, times

- a sweep at a moment when nothing is due (aim: <= 1 s), and
- a sweep a minute later, when exactly ``--warnings`` clocks reach their warning (half of them
  unassigned: a notice in the agents' room; half assigned: a notice to the assignee), each
  writing its audit entry, its notice and its card update to the outbox (aim: <= 5 s),

and prints the query plan of the sweep's claim query (which index it uses). The PostgreSQL
database is a scratch one (bench/scratch_db.py: on the server at CHATDESK_BENCH_POSTGRES_URL,
default the local one the tests use, dropped afterwards); the SQLite file lives in a temporary
directory.

    .venv/bin/python bench/sla_sweep.py [--tickets 100000] [--warnings 1000] [--backend both]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scratch_db import scratch_database  # noqa: E402
from core.domain.calendars import BusinessCalendar, office_hours  # noqa: E402
from core.domain.enums import Priority, Role, SupportLine, TicketStatus, TicketType  # noqa: E402
from core.domain.follow_ups import Automation  # noqa: E402
from core.domain.sla import DEFAULT_POLICIES, SlaPolicy  # noqa: E402
from core.domain.sla_clock import SlaClock, reconcile, take_due  # noqa: E402
from core.domain.working_time import add_working_time  # noqa: E402
from core.ports import AgentRoom  # noqa: E402
from core.services.clock_sweep import ClockSweeper  # noqa: E402
from core.services.clocks import ensure_defaults  # noqa: E402
from storage import migrate, ticket_numbers  # noqa: E402
from storage import tables as t  # noqa: E402
from storage.desk_repositories import due_clocks  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402

ZONE = "Europe/Berlin"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday, 11:00 in Berlin: working time
WINDOW = timedelta(minutes=1)  # the second sweep runs this much later
AGENTS = 40
COPIES = 5  # background tickets per computed clock (see plan_tickets)
ROOM = "-1001000000001"
STATUSES = (
    (TicketStatus.NEW, 20),
    (TicketStatus.OPEN, 5),
    (TicketStatus.ASSIGNED, 20),
    (TicketStatus.IN_PROGRESS, 25),
    (TicketStatus.WAITING, 10),
    (TicketStatus.RESOLVED, 20),
)
PRIORITIES = ((Priority.P1, 5), (Priority.P2, 20), (Priority.P3, 55), (Priority.P4, 20))


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@dataclass(frozen=True, slots=True)
class Facts:
    """What the clock arithmetic reads from a ticket."""

    status: TicketStatus
    created_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating_score: int | None = None


class Generator:
    def __init__(
        self, calendar: BusinessCalendar, policies: Sequence[SlaPolicy], automation: Automation
    ) -> None:
        self.calendar = calendar
        self.policies = {policy.priority: policy for policy in policies}
        self.automation = automation
        self.rng = random.Random(10)

    def clock(self, facts: Facts, priority: Priority, changed_at: datetime) -> SlaClock:
        """The clock as the desk would store it at NOW: reconciled when the ticket last changed,
        with everything due by NOW fired."""
        options = {
            "policy": self.policies[priority],
            "calendar": self.calendar,
            "automation": self.automation,
        }
        clock = reconcile(SlaClock(), facts, now=changed_at, **options)  # type: ignore[arg-type]
        while True:
            clock, events = take_due(clock, NOW)
            if not events:
                return clock

    def background(self) -> tuple[Facts, Priority, SlaClock]:
        """An ordinary ticket: nothing of it comes due in the minute after NOW."""
        rng = self.rng
        status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
        priority = rng.choices([p for p, _ in PRIORITIES], weights=[w for _, w in PRIORITIES])[0]
        age = timedelta(minutes=rng.randint(5, 60 * 24 * 21))
        while True:
            created = NOW - age
            facts, changed = self._facts(status, created)
            clock = self.clock(facts, priority, changed)
            if clock.next_at is None or clock.next_at > NOW + WINDOW:
                return facts, priority, clock
            age += timedelta(minutes=3)

    def _facts(self, status: TicketStatus, created: datetime) -> tuple[Facts, datetime]:
        span = (NOW - created).total_seconds()
        if status in (TicketStatus.NEW, TicketStatus.OPEN):
            return Facts(status, created), created
        answered = created + timedelta(seconds=span * self.rng.uniform(0.05, 0.4))
        if status in (TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS):
            return Facts(status, created, first_response_at=answered), answered
        later = answered + timedelta(seconds=(NOW - answered).total_seconds() * 0.5)
        if status == TicketStatus.WAITING:
            return Facts(status, created, first_response_at=answered), later
        return Facts(status, created, first_response_at=answered, resolved_at=later), later

    def warned(self, assigned: bool) -> tuple[Facts, Priority, SlaClock]:
        """A ticket whose warning comes due in the minute after NOW: the response warning of an
        unassigned new ticket, or the resolution warning of one an agent is working on."""
        priority = self.rng.choice([Priority.P2, Priority.P3, Priority.P4])
        targets = self.policies[priority].targets(self.calendar)
        share = targets.response if not assigned else targets.resolution
        offset = share * targets.warn_share
        at = NOW + timedelta(seconds=self.rng.uniform(1, WINDOW.total_seconds() - 5))
        created = self._created_for(offset, at)
        if assigned:
            facts = Facts(TicketStatus.IN_PROGRESS, created, first_response_at=created)
        else:
            facts = Facts(TicketStatus.NEW, created)
        clock = self.clock(facts, priority, created)
        assert clock.next_at is not None and NOW < clock.next_at <= NOW + WINDOW, clock
        return facts, priority, clock

    def _created_for(self, offset: timedelta, at: datetime) -> datetime:
        """The latest creation whose ``offset`` of working time ends by ``at`` (bisection)."""
        early, late = at - timedelta(days=60), at
        while late - early > timedelta(milliseconds=10):
            middle = early + (late - early) / 2
            if add_working_time(self.calendar, middle, offset) <= at:
                early = middle
            else:
                late = middle
        return early


@dataclass(frozen=True, slots=True)
class Planned:
    facts: Facts
    priority: Priority
    clock: SlaClock
    assignee: int | None


def plan_tickets(tickets: int, warnings: int) -> list[Planned]:
    """The tickets, computed once for both databases. Working-time arithmetic for 100,000
    tickets takes minutes, so every fifth background ticket is computed and four more copy it
    (same moments, other people): 20,000 distinct clocks at the default size."""
    generator = Generator(office_hours("default", ZONE), DEFAULT_POLICIES, Automation())
    rng = generator.rng
    special = set(rng.sample(range(tickets), warnings))
    planned: list[Planned] = []
    template: tuple[Facts, Priority, SlaClock] | None = None
    for index in range(tickets):
        if index in special:
            facts, priority, clock = generator.warned(assigned=index % 2 == 0)
        else:
            if template is None or index % COPIES == 0:
                template = generator.background()
            facts, priority, clock = template
        unassigned = facts.status in (TicketStatus.NEW, TicketStatus.OPEN)
        planned.append(
            Planned(facts, priority, clock, None if unassigned else rng.randint(1, AGENTS))
        )
    return planned


def row(number: int, ticket: Planned, policy_ids: dict[Priority, int | None]) -> dict[str, Any]:
    facts, clock = ticket.facts, ticket.clock
    return {
        "number": number,
        "title": f"Bench ticket {number}",
        "description": "Something does not work.",
        "requester_id": AGENTS + 1 + number % 500,
        "type": TicketType.INCIDENT,
        "priority": ticket.priority,
        "status": facts.status,
        "assignee_id": ticket.assignee,
        "group_id": 1,
        "line": SupportLine.FIRST,
        "origin_channel": "telegram",
        "conversation_ref": str(10_000 + number % 500),
        "created_at": facts.created_at,
        "updated_at": facts.resolved_at or facts.first_response_at or facts.created_at,
        "first_response_at": facts.first_response_at,
        "resolved_at": facts.resolved_at,
        "sla_policy_id": policy_ids[ticket.priority],
        "response_due_at": clock.response_due_at,
        "response_warn_at": clock.response_warn_at,
        "response_state": clock.response_state,
        "resolution_due_at": clock.resolution_due_at,
        "resolution_warn_at": clock.resolution_warn_at,
        "resolution_state": clock.resolution_state,
        "sla_paused_seconds": clock.paused_seconds,
        "sla_paused_since": clock.paused_since,
        "sla_seen_status": clock.seen_status,
        "reminder_at": clock.reminder_at,
        "auto_action_at": clock.auto_action_at,
        "sla_next_at": clock.next_at,
    }


async def fill(database: Database, planned: list[Planned]) -> None:
    async with database.uow() as uow:
        await ensure_defaults(uow, timezone=ZONE)  # the calendar and policies planned with
        await uow.rooms.replace([AgentRoom("telegram", ROOM)])
        await uow.commit()
    async with database.uow() as uow:
        policy_ids = {policy.priority: policy.id for policy in await uow.sla.policies()}
    async with database.engine.begin() as connection:
        await connection.execute(
            t.groups.insert(),
            [{"name": "Service desk", "line": SupportLine.FIRST, "description": ""}],
        )
        people = [
            {
                "display_name": f"Person {n}",
                "role": Role.AGENT if n <= AGENTS else Role.REQUESTER,
                "language": "en",
                "is_active": True,
                "created_at": NOW,
            }
            for n in range(1, AGENTS + 501)
        ]
        await connection.execute(t.people.insert(), people)
        await connection.execute(
            t.identities.insert(),
            [
                {"person_id": n, "channel": "telegram", "external_id": str(10_000 + n)}
                for n in range(1, AGENTS + 501)
            ],
        )
        for start in range(0, len(planned), 5000):
            chunk = [
                row(1001 + index, ticket, policy_ids)
                for index, ticket in enumerate(planned[start : start + 5000], start)
            ]
            await connection.execute(t.tickets.insert(), chunk)
        await ticket_numbers.continue_after(connection, 1000 + len(planned))
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE" if _postgres(database) else "ANALYZE")


def _postgres(database: Database) -> bool:
    return database.engine.dialect.name == "postgresql"


class Explain(Executable, ClauseElement):
    """``EXPLAIN <query>``, compiled by the backend's own compiler with the query's parameters."""

    inherit_cache = False

    def __init__(self, query: Any, prefix: str) -> None:
        self.query = query
        self.prefix = prefix


@compiles(Explain)
def _compile_explain(element: Explain, compiler: Any, **options: Any) -> str:
    return f"{element.prefix} {compiler.process(element.query, **options)}"


async def plan(database: Database, at: datetime) -> list[str]:
    """The claim query's plan; on PostgreSQL run for real (ANALYZE) and rolled back."""
    postgres = _postgres(database)
    query = due_clocks(now=at, limit=200, postgres=postgres)
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if postgres else "EXPLAIN QUERY PLAN"
    async with database.engine.connect() as connection:
        result = await connection.execute(Explain(query, prefix))
        lines = [" | ".join(str(value) for value in found) for found in result]
        await connection.rollback()
    return lines


async def outbox_count(database: Database) -> int:
    async with database.engine.connect() as connection:
        return int(
            (await connection.execute(select(func.count()).select_from(t.outbox))).scalar_one()
        )


async def measure(label: str, url: str, planned: list[Planned], warnings: int) -> None:
    print(f"\n== {label}: {len(planned):,} tickets ==")
    await migrate.upgrade(url)
    clock = FixedClock(NOW)
    database = Database(url, clock=clock)
    try:
        started = time.perf_counter()
        await fill(database, planned)
        print(f"filled in {time.perf_counter() - started:.1f} s")
        async with database.engine.connect() as connection:
            open_count = (
                await connection.execute(
                    select(func.count())
                    .select_from(t.tickets)
                    .where(t.tickets.c.sla_next_at.is_not(None))
                )
            ).scalar_one()
        print(f"tickets with a clock still to fire: {open_count:,}")
        sweeper = ClockSweeper(database.uow)

        print("claim query plan, nothing due:")
        for line in await plan(database, NOW):
            print(f"  {line}")
        await sweeper.sweep()  # warm: connections, statement cache, clockwork
        began, cpu = time.perf_counter(), time.process_time()
        fired = await sweeper.sweep()
        empty, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(
            f"sweep with nothing due: {empty * 1000:.1f} ms ({cpu * 1000:.1f} ms CPU in this "
            f"process), fired {dict(fired)} (aim <= 1 s)"
        )

        clock.current = NOW + WINDOW
        print(f"claim query plan, {warnings:,} due:")
        for line in await plan(database, clock.current):
            print(f"  {line}")
        before = await outbox_count(database)
        began, cpu = time.perf_counter(), time.process_time()
        fired = await sweeper.sweep()
        busy, cpu = time.perf_counter() - began, time.process_time() - cpu
        queued = await outbox_count(database) - before
        counts = dict(sorted(fired.items()))
        print(
            f"sweep firing {warnings:,} warnings: {busy:.2f} s ({cpu:.2f} s CPU in this "
            f"process), fired {counts}, {queued:,} outbox messages (aim <= 5 s)"
        )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        again = await sweeper.sweep()
        print(f"the same sweep again: fired {dict(again)} (each event fires once)")
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--warnings", type=int, default=1_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    started = time.perf_counter()
    planned = plan_tickets(args.tickets, args.warnings)
    print(f"planned {len(planned):,} tickets in {time.perf_counter() - started:.1f} s")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
            await measure("SQLite", url, planned, args.warnings)
    if args.backend in ("postgresql", "both"):
        async with scratch_database() as url:
            await measure("PostgreSQL", url, planned, args.warnings)


if __name__ == "__main__":
    asyncio.run(main())
