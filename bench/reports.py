"""Report timings at 1,000,000 tickets on PostgreSQL: each report for a one-year and a one-month
range (aim: each <= 2 s for a year, <= 500 ms for a month).

Creates a scratch database at CHATDESK_BENCH_POSTGRES_URL (default: the local server, as the
tests use), migrates it, fills it in bulk with COPY — tickets over thirteen months with their
messages, audit entries (status changes, reopenings), ratings and SLA states, plus self-help
questions and the unanswered log — then runs every report the way the panel does
(``storage.report_facts.run_report``) and prints the times, the CPU each cost (this process
plus the database backend; parallel workers not counted), the load average, and the plan
(EXPLAIN ANALYZE) of each report's slowest statement. Before the reports it fills the summary
table report_tickets the way the migration does for an existing desk (``backfill``) and prints
how long that took. The database is dropped afterwards, unless ``--keep`` (then time it again
with ``--reuse URL``; ``--name`` names it, ``--only`` picks reports).

    nice -n 10 .venv/bin/python bench/reports.py [--tickets 1000000] [--repeat 3] [--no-explain]
        [--keep] [--name chatdesk_bench_<branch>] [--reuse URL] [--only speed ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scratch_db import scratch_database  # noqa: E402
from core.domain.calendars import always_open, office_hours  # noqa: E402
from core.reports.catalog import REPORTS  # noqa: E402
from core.reports.query import parse_query  # noqa: E402
from storage.database import create_engine  # noqa: E402
from storage.report_facts import run_report  # noqa: E402
from storage.report_tickets import backfill  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402

ZONE = "Europe/Berlin"
END = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # "now" for the history
START = END - timedelta(days=396)  # thirteen months of tickets
AGENTS, REQUESTERS, GROUPS, CATEGORIES = 60, 5000, 8, 12
TYPES = ("incident", "service_request", "question", "change_request")
CHANNELS = ("telegram", "slack", "admin", "api")
ACTIVE = ("new", "open", "assigned", "in_progress", "waiting")


def ticket_rows(
    count: int, rng: random.Random
) -> Iterator[tuple[tuple[Any, ...], list[Any], list[Any]]]:
    """Each ticket's row, its messages and its audit entries."""
    span = (END - START).total_seconds()
    for number in range(1, count + 1):
        created = START + timedelta(seconds=span * number / count + rng.uniform(0, 60))
        age = (END - created).total_seconds()
        priority = rng.choice(("P1", "P2", "P3", "P3", "P4"))
        group = rng.randint(1, GROUPS)
        agent = rng.randint(1, AGENTS)
        respond = created + timedelta(seconds=rng.expovariate(1 / 7200))
        resolved = respond + timedelta(seconds=rng.expovariate(1 / 90000))
        closed = resolved + timedelta(days=3)
        status = "closed"
        if resolved >= END or rng.random() < 0.05 * min(1.0, 2_000_000 / max(age, 1)):
            status = rng.choice(ACTIVE)
            resolved = closed = None  # type: ignore[assignment]
        elif closed >= END:
            status, closed = "resolved", None  # type: ignore[assignment]
        first = respond if respond < END else None
        if status in ACTIVE and first is None:
            agent = None  # type: ignore[assignment]
        rating = rng.choice((None, None, 5, 5, 4, 4, 3, 2, 1)) if resolved else None
        reopened = resolved is not None and rng.random() < 0.04
        messages = [(created, None, "public")]
        if first is not None:
            messages.append((first, agent, "public"))
        audit = [(created, "opened", None, "new")]
        if first is not None:
            audit.append((first, "status_changed", "new", "in_progress"))
        if resolved is not None:
            if reopened:
                audit.append((resolved - timedelta(hours=5), "reopened", "resolved", "in_progress"))
            audit.append((resolved, "status_changed", "in_progress", "resolved"))
        response_state = (
            None
            if first is None
            else ("met" if (first - created).total_seconds() < 8 * 3600 else "breached")
        )
        resolution_state = (
            "ok"
            if resolved is None
            else ("met" if (resolved - created).total_seconds() < 3 * 86400 else "breached")
        )
        row = (
            number,
            f"Ticket {number}",
            "",
            AGENTS + 1 + number % REQUESTERS,
            rng.choice(TYPES),
            rng.randint(1, CATEGORIES),
            priority,
            status,
            agent,
            group,
            1,
            rng.choice(CHANNELS),
            rating,
            "thanks" if rating and rng.random() < 0.2 else None,
            created,
            resolved or first or created,
            first,
            resolved,
            closed,
            resolved + timedelta(hours=2) if rating else None,
            response_state,
            resolution_state,
            float(rng.choice((0, 0, 0, 3600, 7200))),
            resolved,
        )
        yield row, messages, audit


TICKET_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "requester_id",
    "type",
    "category_id",
    "priority",
    "status",
    "assignee_id",
    "group_id",
    "line",
    "origin_channel",
    "rating_score",
    "rating_comment",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "rated_at",
    "response_state",
    "resolution_state",
    "sla_paused_seconds",
    "sla_paused_since",
)


async def fill(connection: asyncpg.Connection, count: int) -> None:
    rng = random.Random(12)
    people = [(n, f"Agent {n}", 2, "en", True) for n in range(1, AGENTS + 1)]
    people += [(AGENTS + n, f"Person {n}", 1, "en", True) for n in range(1, REQUESTERS + 1)]
    await connection.copy_records_to_table(
        "people", records=people, columns=["id", "display_name", "role", "language", "is_active"]
    )
    office, nonstop = office_hours("default", ZONE), always_open("noc", ZONE)
    await connection.executemany(
        "INSERT INTO calendars (name, timezone, hours, holidays, is_default) "
        "VALUES ($1, $2, $3, '[]', $4)",
        [
            (office.name, ZONE, '["mon-fri 09:00-18:00"]', True),
            (nonstop.name, ZONE, '["24x7"]', False),
        ],
    )
    await connection.copy_records_to_table(
        "groups",
        records=[
            (n, f"group-{n}", 1, "", 2 if n == GROUPS else None, "manual", "release")
            for n in range(1, GROUPS + 1)
        ],
        columns=[
            "id",
            "name",
            "line",
            "description",
            "calendar_id",
            "assignment_mode",
            "away_action",
        ],
    )
    await connection.copy_records_to_table(
        "categories",
        records=[
            (n, f"cat-{n}", f"Category {n}", "incident", "{}", n, True)
            for n in range(1, CATEGORIES + 1)
        ],
        columns=["id", "slug", "name", "default_type", "labels", "sort_order", "is_active"],
    )
    tickets: list[tuple[Any, ...]] = []
    messages: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []

    async def flush() -> None:
        await connection.copy_records_to_table("tickets", records=tickets, columns=TICKET_COLUMNS)
        await connection.copy_records_to_table(
            "ticket_messages",
            records=messages,
            columns=["ticket_id", "author_id", "kind", "body", "channel", "created_at"],
        )
        await connection.copy_records_to_table(
            "audit_entries",
            records=audit,
            columns=[
                "ticket_id",
                "action",
                "channel",
                "field",
                "old_value",
                "new_value",
                "details",
                "created_at",
            ],
        )
        tickets.clear()
        messages.clear()
        audit.clear()

    for row, said, done in ticket_rows(count, rng):
        ticket_id = row[0]
        tickets.append((ticket_id, *row))
        messages += [(ticket_id, who, kind, "…", "telegram", at) for at, who, kind in said]
        audit += [
            (ticket_id, action, "telegram", "status", old, new, "{}", at)
            for at, action, old, new in done
        ]
        if len(tickets) == 50_000:
            await flush()
    await flush()
    questions = []
    for _ in range(count // 4):
        at = START + timedelta(seconds=rng.uniform(0, (END - START).total_seconds()))
        outcome = rng.choice(("helped", "escalated", "not_helped", "pending", "none_found"))
        shown = [] if outcome == "none_found" else [f"article-{rng.randint(1, 200)}"]
        questions.append(
            (
                "how do I",
                rng.choice(CHANNELS[:2]),
                str(shown).replace("'", '"'),
                "[]",
                outcome,
                shown[0] if outcome == "helped" else None,
                at,
            )
        )
    await connection.copy_records_to_table(
        "kb_suggestion_events",
        records=questions,
        columns=[
            "question",
            "channel",
            "article_ids",
            "scores",
            "outcome",
            "helped_article_id",
            "created_at",
        ],
    )
    await connection.copy_records_to_table(
        "kb_unanswered",
        records=[
            (
                f"q {n}",
                f"question {n}",
                "no_suggestion",
                rng.randint(1, 50),
                START,
                END - timedelta(days=n % 300),
                False,
            )
            for n in range(2000)
        ],
        columns=["normalized", "sample", "reason", "count", "first_seen", "last_seen", "resolved"],
    )
    for table in ("people", "groups", "categories", "tickets", "calendars"):
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    await connection.execute("VACUUM ANALYZE")


class FixedClock:
    def now(self) -> datetime:
        return END


class Statements:
    """The SQL each report sends (statement, parameters, seconds), for EXPLAIN afterwards."""

    def __init__(self, engine: Any) -> None:
        self.seen: list[tuple[str, Any, float]] = []
        self._started: float = 0.0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.seen.append((statement, parameters, time.perf_counter() - self._started))

    def slowest(self) -> tuple[str, Any, float]:
        return max(self.seen, key=lambda seen: seen[2])


def cpu_seconds(backend: int) -> float:
    """CPU time used so far by this process and by the database's backend process ``backend``
    (read from /proc when the server runs on this machine; parallel workers not included): a
    report's cost that a busy machine hardly changes, unlike its wall time."""
    spent = time.process_time()
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return spent
    return spent + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


async def time_reports(url: str, repeat: int, explain: bool, only: list[str] | None = None) -> None:
    database = Database(url, clock=FixedClock())
    statements = Statements(database.engine)
    last = END.date()
    ranges = {
        "one year": (last - timedelta(days=364), last),
        "one month": (last - timedelta(days=29), last),
    }
    plans: list[tuple[str, str, Any]] = []
    print(f"load average before the reports: {load_average()}")
    print(f"{'report':<10} {'range':<10} {'best s':>8} {'worst s':>8} {'cpu s':>7}")
    try:
        for label, (first, final) in ranges.items():
            for name in only or REPORTS:
                query = parse_query(
                    {"from": first.isoformat(), "to": final.isoformat(), "period": "week"},
                    default_timezone=ZONE,
                    today=last,
                )
                times, cpus = [], []
                for _ in range(repeat):
                    statements.seen.clear()
                    begin = time.perf_counter()
                    async with database.uow() as uow:
                        server = await uow.session.execute(text("SELECT pg_backend_pid()"))
                        backend = server.scalar_one()
                        spent = cpu_seconds(backend)
                        await run_report(uow, name, query)
                        spent = cpu_seconds(backend) - spent
                    times.append(time.perf_counter() - begin)
                    cpus.append(spent)
                aim = 2.0 if label == "one year" else 0.5
                verdict = "ok" if min(times) <= aim else f"over the {aim:g} s aim"
                print(
                    f"{name:<10} {label:<10} {min(times):>8.2f} {max(times):>8.2f} "
                    f"{min(cpus):>7.2f}  {verdict}"
                )
                if label == "one year":
                    statement, parameters, _ = statements.slowest()
                    plans.append((name, statement, parameters))
        print(f"load average after the reports: {load_average()}")
        if explain:
            for name, statement, parameters in plans:
                async with database.engine.connect() as connection:
                    await connection.exec_driver_sql("SET jit = off")
                    plan = await connection.exec_driver_sql(
                        f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
                    )
                    print(f"\n-- {name}, one year: its slowest statement\n{statement}")
                    print("\n".join(row[0] for row in plan.all()))
    finally:
        await database.dispose()


async def prepare(url: str, tickets: int) -> None:
    """Fill the scratch database in bulk, then give it its summary rows as the migration would."""
    print(f"load average at the start: {load_average()}")
    base = make_url(url)
    connection = await asyncpg.connect(
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        user=base.username or "postgres",
        password=base.password,
        database=base.database,
    )
    started = time.perf_counter()
    try:
        await fill(connection, tickets)
    finally:
        await connection.close()
    print(f"filled {tickets:,} tickets in {time.perf_counter() - started:.0f} s")
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        async with engine.begin() as sql:
            summed = await sql.run_sync(backfill)
        async with engine.connect() as sql:
            vacuum = await sql.execution_options(isolation_level="AUTOCOMMIT")
            await vacuum.exec_driver_sql("VACUUM ANALYZE report_tickets")
        print(
            f"summary rows for {summed:,} tickets (the migration's backfill) in "
            f"{time.perf_counter() - started:.0f} s"
        )
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-explain", action="store_true", help="skip the query plans")
    parser.add_argument("--keep", action="store_true", help="keep the filled database")
    parser.add_argument("--reuse", metavar="URL", help="time a database kept by --keep")
    parser.add_argument(
        "--only", action="append", choices=list(REPORTS), help="time this report (repeatable)"
    )
    parser.add_argument("--name", help="the scratch database's name (default: a random one)")
    args = parser.parse_args()
    if args.reuse:
        await time_reports(args.reuse, args.repeat, not args.no_explain, args.only)
        return
    async with scratch_database(keep=args.keep, name=args.name) as url:
        await prepare(url, args.tickets)
        if args.keep:
            print(f"kept: --reuse {url}")
        await time_reports(url, args.repeat, not args.no_explain, args.only)


if __name__ == "__main__":
    asyncio.run(main())
