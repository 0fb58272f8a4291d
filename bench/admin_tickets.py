"""Ticket list page latency at 100,000 tickets on PostgreSQL, through a real uvicorn.

Creates a scratch database on the server at CHATDESK_BENCH_POSTGRES_URL (default: the local
one, as the tests use), fills it with tickets, people and groups, signs in as an agent and
times full page loads (server work + HTTP on loopback) for the views people use most. Prints
the load average, p50/p95/max per view, and the CPU time this process (server and client, not
PostgreSQL) spent per request, which a busy machine inflates far less than the wall clock. The
target is p95 <= 150 ms. ``--explain`` also prints EXPLAIN (ANALYZE, BUFFERS) of each view's two
statements (the capped count and one page of ids). The database is dropped afterwards.

    .venv/bin/python bench/admin_tickets.py [--tickets 100000] [--requests 40] [--explain]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from admin.app import create_app  # noqa: E402
from admin.ticket_list import TicketFilter, count_statement, ids_statement  # noqa: E402
from bench.scratch_db import scratch_database  # noqa: E402
from core.domain.enums import Priority, Role, SupportLine, TicketStatus, TicketType  # noqa: E402
from core.services import accounts  # noqa: E402
from core.services.context import operator  # noqa: E402
from core.settings import Settings  # noqa: E402
from storage import tables as t  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402

WORDS = [
    *("vpn", "printer", "mailbox", "laptop", "password", "access", "wifi", "monitor"),
    *("licence", "outlook", "teams", "badge", "keyboard", "phone", "screen", "slow"),
    *("crash", "error", "update", "install", "network", "drive", "share", "backup"),
]
VIEWS = {
    "active (default)": "/tickets?status=active",
    "everything": "/tickets",
    "status=waiting": "/tickets?status=waiting",
    "assignee + priority": "/tickets?assignee={agent}&priority=P2",
    "group queue, new": "/tickets?group=3&status=new",
    "unassigned, most urgent": "/tickets?assignee=none&sort=priority",
    "text search, many hits": "/tickets?q=printer",
    "text search, no hits": "/tickets?q=printer+jam",
    "#number": "/tickets?q=%23{number}",
    "page 200 of 1000": "/tickets?per_page=100&page=200",
}
PASSWORD = "bench password 123"


async def fill(database: Database, count: int) -> tuple[int, int]:
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with database.engine.begin() as connection:
        await connection.execute(
            t.groups.insert(),
            [
                {"name": f"group-{n}", "line": SupportLine.FIRST, "description": ""}
                for n in range(1, 9)
            ],
        )
        people = [
            {
                "display_name": f"Person {n}",
                "role": Role.AGENT if n <= 40 else Role.REQUESTER,
                "language": "en",
                "is_active": True,
                "created_at": now,
            }
            for n in range(1, 2001)
        ]
        await connection.execute(t.people.insert(), people)
        statuses = list(TicketStatus)
        chunk = []
        for number in range(1001, 1001 + count):
            status = rng.choices(statuses, weights=(5, 5, 10, 10, 5, 15, 50))[0]
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            words = rng.sample(WORDS, 4)
            chunk.append(
                {
                    "number": number,
                    "title": " ".join(words[:3]).capitalize() + f" {number % 97}",
                    "description": f"My {words[0]} has a {words[3]} problem. " * rng.randint(1, 6),
                    "requester_id": rng.randint(41, 2000),
                    "type": TicketType.INCIDENT,
                    "priority": rng.choice(list(Priority)),
                    "status": status,
                    "assignee_id": None
                    if status in (TicketStatus.NEW, TicketStatus.OPEN)
                    else rng.randint(1, 40),
                    "group_id": rng.randint(1, 8),
                    "line": SupportLine.FIRST,
                    "origin_channel": rng.choice(("telegram", "slack")),
                    "created_at": created,
                    "updated_at": created + timedelta(minutes=rng.randint(0, 600)),
                }
            )
            if len(chunk) == 5000:
                await connection.execute(t.tickets.insert(), chunk)
                chunk = []
        if chunk:
            await connection.execute(t.tickets.insert(), chunk)
    async with database.engine.connect() as connection:
        # What autovacuum does to a live table; index-only scans need its visibility map.
        await (await connection.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql(
            "VACUUM ANALYZE"
        )
    async with database.uow() as uow:
        made = await accounts.create_user(
            uow, actor=operator(), email="bench@example.com", role=Role.AGENT, password=PASSWORD
        )
        await uow.commit()
    assert made.person.id is not None
    return 7, 1001 + count // 2


def view_filter(path: str) -> tuple[TicketFilter, int, int]:
    """The filter, page and page size a view's URL asks for (as the tickets route reads them)."""
    query = dict(parse_qsl(urlsplit(path).query))
    wanted = TicketFilter(
        status=query.get("status", ""),
        priority=query.get("priority", ""),
        group_id=int(query["group"]) if "group" in query else None,
        assignee=query.get("assignee", ""),
        channel=query.get("channel", ""),
        text=query.get("q", ""),
        sort=query.get("sort", "updated"),
    )
    return wanted, int(query.get("page", 1)), int(query.get("per_page", 50))


async def explain(database: Database, name: str, path: str) -> None:
    wanted, page, per_page = view_filter(path)
    statements = {
        "count": count_statement(wanted),
        "page of ids": ids_statement(wanted, page=page, per_page=per_page),
    }
    async with database.engine.connect() as connection:
        for what, statement in statements.items():
            sql = statement.compile(
                dialect=connection.dialect, compile_kwargs={"literal_binds": True}
            )
            plan = await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print(f"--- {name}: {what}")
            print("\n".join(f"    {row[0]}" for row in plan))


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def measure(url: str, tickets: int, requests: int, *, explained: bool) -> None:
    database = Database(url)
    started = time.perf_counter()
    agent, number = await fill(database, tickets)
    print(f"filled {tickets:,} tickets in {time.perf_counter() - started:.1f} s")
    settings = Settings(_env_file=None, database_url=url, secret_key="bench-secret-key-xxxxxxxx")  # type: ignore[call-arg]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings=settings, database=database),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for "listening"
        await asyncio.sleep(0.05)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            form = await client.get("/login")
            token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
            signed = await client.post(
                "/login",
                data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token},
            )
            assert signed.status_code == 303, signed.text
            print(f"load average before: {load_average()}")
            print(
                f"{'view':<26} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>8}"
            )
            worst = 0.0
            for name, path in VIEWS.items():
                path = path.format(agent=agent, number=number)
                for _ in range(3):
                    await client.get(path)
                times = []
                cpu_begin = time.process_time()
                for _ in range(requests):
                    begin = time.perf_counter()
                    answer = await client.get(path)
                    times.append((time.perf_counter() - begin) * 1000)
                    assert answer.status_code == 200, answer.status_code
                cpu = (time.process_time() - cpu_begin) * 1000 / requests
                rows = answer.text.count('<td><a href="/tickets/')
                p95 = statistics.quantiles(times, n=20)[18]
                worst = max(worst, p95)
                print(
                    f"{name:<26} {rows:>6} {statistics.median(times):>8.1f} {p95:>8.1f} "
                    f"{max(times):>8.1f} {cpu:>8.1f}"
                )
            verdict = "meets" if worst <= 150 else "misses"
            print(f"worst p95 {worst:.1f} ms: {verdict} the 150 ms target")
            print(f"load average after: {load_average()}")
        if explained:
            for name, path in VIEWS.items():
                await explain(database, name, path.format(agent=agent, number=number))
    finally:
        server.should_exit = True
        await serving
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--explain", action="store_true", help="print each view's query plans")
    args = parser.parse_args()
    async with scratch_database() as url:
        await measure(url, args.tickets, args.requests, explained=args.explain)


if __name__ == "__main__":
    asyncio.run(main())
