"""Telegram throughput: many employees running the whole intake at once through the fake Bot API.

Every simulated employee asks a question, gets suggestions, presses "None of these", then
chooses the category, who is affected and how urgent, presses Done and Create: 7 updates, each
sent only when the bot has answered the previous one (as a person would). chatdesk runs as in
production: the real aiogram bot long-polling the fake server over HTTP, the engine, the outbox
and a SQLite database in a temporary file; once started, the heap is settled (chatdesk/heap.py)
as `chatdesk run` does, and so is the echo bot's. Then, in the same run, a bare aiogram echo bot
(bench/telegram_echo_baseline.py) gets the same number of updates from the same kind of fake.

Latency is from the update entering the fake to the bot's answer being recorded by the fake.

    .venv/bin/python bench/telegram_throughput.py [--users 200] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.db_meter import DbMeter  # noqa: E402
from bench.pg_waits import LockWaits  # noqa: E402
from bench.scratch_db import scratch_database  # noqa: E402
from bench.telegram_echo_baseline import inbox, run_echo_baseline  # noqa: E402
from bench.telegram_webhook import backend_pids, cpu_seconds, webhook_instances  # noqa: E402
from bench.throughput_history import explain, fill_history, full_scans  # noqa: E402
from chatdesk import heap  # noqa: E402
from core.domain.entities import Category, Group  # noqa: E402
from core.domain.enums import SupportLine, TicketType  # noqa: E402
from core.services import article_curation, knowledge_index  # noqa: E402
from core.services.context import operator  # noqa: E402
from storage import tables as t  # noqa: E402
from storage.tables import metadata  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402
from tests.fakes.telegram_objects import TgUser, group_chat  # noqa: E402
from tests.fakes.telegram_server import FakeTelegramServer  # noqa: E402
from tests.integration.intake.harness import articles  # noqa: E402
from tests.integration.telegram.desk import AGENTS_CHAT, TelegramDesk, button  # noqa: E402

QUESTION = "My VPN keeps dropping every few minutes"
# After the question: the button to press on the bot's last message, in order.
PRESSES = (
    "None of these — create a ticket",
    "Network",
    "Just me",
    "It can wait",
    "Done",
    "Create",
)
STEPS = 1 + len(PRESSES)
WAIT_S = 120.0


async def _prepare(url: str, **engine_options: Any) -> Database:
    database = Database(url, **engine_options)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    async with database.uow() as uow:
        group = Group(name="service-desk", line=SupportLine.FIRST)
        uow.add(group)
        await uow.flush()
        uow.add(
            Category(
                slug="network",
                name="Network",
                default_group_id=group.id,
                default_type=TicketType.INCIDENT,
            )
        )
        await uow.commit()
    return database


async def _employee(
    fake: FakeTelegramServer,
    user: TgUser,
    *,
    delay: float = 0.0,
    deliver: Callable[[dict[str, Any]], None] | None = None,
) -> list[tuple[int, float]]:
    """Run the intake; return (update_id, seconds from push to the bot's answer) per step.
    ``deliver``: webhook mode, hands each pushed update to the instances (polling otherwise)."""
    answers = inbox(fake, user.id)
    if delay:
        await asyncio.sleep(delay)
    timings: list[tuple[int, float]] = []

    async def answered(before: int) -> dict[str, Any]:
        update = fake.update_log[-1]  # pushing does not yield: this one is ours
        update_id = update["update_id"]
        if deliver is not None:
            deliver(update)
        answer = await answers.wait_beyond(before, WAIT_S)
        timings.append((update_id, answer["at"] - fake.push_times[update_id]))
        return answer

    before = len(answers)
    await fake.user_sends_text(user, QUESTION)
    last = await answered(before)
    for label in PRESSES:
        before = len(answers)
        await fake.user_presses_button(user, last["message_id"], button(last, label))
        last = await answered(before)
    if "ticket #" not in (last.get("plain_text") or ""):
        raise RuntimeError(f"{user.first_name}: no ticket at the end: {last.get('plain_text')!r}")
    return timings


async def _drain(database: Database, desk: TelegramDesk) -> None:
    """Let the outbox finish (the agents' cards) so stopping interrupts no delivery."""
    for _ in range(200):
        async with database.uow() as uow:
            if not await uow.outbox.claim_due(now=uow.clock.now() + timedelta(days=1), limit=1):
                return
        await desk.worker.sweep()
        await asyncio.sleep(0.05)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Run:
    """One measured chatdesk run."""

    users: int
    backend: str = "sqlite"  # or "postgresql"
    steady_rate: float | None = None  # updates/s; None: everybody at once (a burst)
    history: int = 0  # past tickets, messages, audit, outbox and dedupe rows, each
    meter: bool = False
    explain: bool = False
    profile: cProfile.Profile | None = None
    pool: int | None = None  # PostgreSQL: pooled connections (default: storage.database's)
    waits: bool = False  # PostgreSQL: sample pg_stat_activity for lock waits


@contextlib.asynccontextmanager
async def _database(backend: str) -> AsyncIterator[str]:
    """The URL of a scratch database, removed afterwards."""
    if backend == "postgresql":
        async with scratch_database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"


@contextlib.asynccontextmanager
async def _lock_waits(url: str | None) -> AsyncIterator[LockWaits | None]:
    if url is None:
        yield None
        return
    async with LockWaits(url) as waits:
        yield waits


async def run_chatdesk(run: Run) -> dict[str, Any]:
    n_users = run.users
    async with _database(run.backend) as url:
        sized = {"pool_size": run.pool, "max_overflow": 0} if run.pool else {}
        database = await _prepare(url, **sized)
        filling = time.perf_counter()
        await fill_history(database, run.history)
        filled_s = time.perf_counter() - filling
        async with FakeTelegramServer() as fake:
            desk = await TelegramDesk(database, fake).start()
            await fake.wait_for(lambda: fake.requests_for("getUpdates"))
            heap.settle()  # as `chatdesk run` does once started (chatdesk/heap.py)
            users = [TgUser(id=20_000 + n, first_name=f"Employee{n}") for n in range(n_users)]
            gap = STEPS / run.steady_rate if run.steady_rate else 0.0
            db_meter = DbMeter(database) if run.meter or run.explain else None
            if run.profile is not None:
                run.profile.enable()
            if db_meter is not None:
                db_meter.start()
            calls_before = len(fake.requests)
            async with _lock_waits(url if run.waits else None) as waits:
                started, cpu_started = time.perf_counter(), time.process_time()
                results = await asyncio.gather(
                    *(_employee(fake, user, delay=i * gap) for i, user in enumerate(users))
                )
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            calls = Counter(name for name, _ in fake.requests[calls_before:])
            if db_meter is not None:
                db_meter.stop()
            if run.profile is not None:
                run.profile.disable()
            await _drain(database, desk)
            await desk.stop()
            async with database.uow() as uow:
                tickets = await uow.session.scalar(
                    select(func.count()).where(t.tickets.c.number < 100_000_000)
                )
        plans = await explain(database, db_meter.samples) if db_meter and run.explain else []
        await database.dispose()
    figures = _figures(n_users, tickets, elapsed, results, calls)
    figures["cpu ms/update"] = round(cpu * 1000 / (n_users * STEPS), 2)
    total = n_users * STEPS
    if run.history:
        figures["history rows per table"] = f"{run.history:,} (filled in {filled_s:.1f} s)"
    if db_meter is not None and run.meter:
        figures.update(db_meter.figures(total))
    if waits is not None:
        figures.update(waits.figures())
    if plans:
        _show_plans(run.backend, plans)
    return figures


def _figures(
    n_users: int,
    tickets: int | None,
    elapsed: float,
    results: list[list[tuple[int, float]]],
    calls: Counter[str],
) -> dict[str, Any]:
    latencies = [seconds * 1000 for timings in results for _, seconds in timings]
    total = n_users * STEPS
    return {
        "users": n_users,
        "updates": total,
        "tickets": tickets,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(_percentile(latencies, 0.95), 2),
        "wall ms/update": round(elapsed * 1000 / total, 2),
        "Bot API calls/update": ", ".join(
            f"{name} {count / total:.2f}" for name, count in calls.most_common()
        ),
    }


async def run_webhook(run: Run, instances: int) -> dict[str, Any]:
    """The same intake against ``instances`` ``chatdesk run`` processes in webhook mode on
    one PostgreSQL database (bench/telegram_webhook.py); this process holds the fake Bot API
    and the simulated employees, and posts each update to its chat's instance."""
    n_users = run.users
    async with _database("postgresql") as url:
        database = await _prepare(url)
        await _seed_articles(database)
        await fill_history(database, run.history)
        async with FakeTelegramServer() as fake:
            fake.register_chat(group_chat(AGENTS_CHAT, "Agents"))
            async with webhook_instances(url, fake, instances, agents_chat=AGENTS_CHAT) as driver:
                users = [TgUser(id=20_000 + n, first_name=f"Employee{n}") for n in range(n_users)]
                gap = STEPS / run.steady_rate if run.steady_rate else 0.0
                calls_before = len(fake.requests)
                cpu_before = [i.cpu_seconds() for i in driver.instances]
                starved_before = [i.cpu_wait_seconds() for i in driver.instances]
                backends_before = {pid: cpu_seconds(pid) for pid in await backend_pids(url)}
                async with _lock_waits(url if run.waits else None) as waits:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    results = await asyncio.gather(
                        *(
                            _employee(fake, user, delay=i * gap, deliver=driver.deliver)
                            for i, user in enumerate(users)
                        )
                    )
                    elapsed = time.perf_counter() - started
                    cpu = time.process_time() - cpu_started
                # Server processes that started during the run count whole.
                backends_cpu = sum(
                    cpu_seconds(pid) - backends_before.get(pid, 0.0)
                    for pid in await backend_pids(url)
                )
                starved = [
                    i.cpu_wait_seconds() - before
                    for i, before in zip(driver.instances, starved_before, strict=True)
                ]
                instance_cpu = [
                    i.cpu_seconds() - before
                    for i, before in zip(driver.instances, cpu_before, strict=True)
                ]
                calls = Counter(name for name, _ in fake.requests[calls_before:])
                await asyncio.gather(*driver.tasks)
        async with database.uow() as uow:
            tickets = await uow.session.scalar(
                select(func.count()).where(t.tickets.c.number < 100_000_000)
            )
        await database.dispose()
    total = n_users * STEPS
    figures = _figures(n_users, tickets, elapsed, results, calls)
    figures["driver+fake cpu ms/update"] = round(cpu * 1000 / total, 2)
    figures["instance cpu ms/update"] = round(sum(instance_cpu) * 1000 / total, 2)
    figures["postgres cpu ms/update"] = round(backends_cpu * 1000 / total, 2)
    figures["instance cpu busy %"] = ", ".join(f"{100 * c / elapsed:.0f}" for c in instance_cpu)
    figures["instance waiting for a CPU %"] = ", ".join(f"{100 * s / elapsed:.0f}" for s in starved)
    figures["webhook posts (retried)"] = f"{driver.posts} ({driver.retried})"
    figures["webhook POST p50/p95 ms"] = (
        f"{statistics.median(driver.post_ms):.0f} / {_percentile(driver.post_ms, 0.95):.0f}"
    )
    if waits is not None:
        figures.update(waits.figures())
    return figures


async def _seed_articles(database: Database) -> None:
    """The articles the in-process desk starts with (TelegramDesk.start), for ``chatdesk run``."""
    kb = knowledge_index.KnowledgeBase()
    async with database.uow() as uow:
        for article in articles():
            await article_curation.save_article(uow, kb, actor=operator(), article=article)
        await uow.commit()


def _show_plans(backend: str, plans: list[tuple[str, list[str]]]) -> None:
    print(f"EXPLAIN of the {len(plans)} statements that read or changed rows ({backend}):")
    for statement, lines in plans:
        print("  " + " ".join(statement.split())[:300])
        for line in lines:
            print("      " + line)
        scans = full_scans(backend, lines)
        if scans:
            print("      ^^ reads a whole table: " + "; ".join(scans))


def _show(title: str, figures: dict[str, Any]) -> None:
    print(title)
    for key, value in figures.items():
        print(f"  {key:>22}: {value}")


async def main(args: argparse.Namespace) -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    profile = cProfile.Profile() if args.profile else None
    runs: list[tuple[str, dict[str, Any]]] = []
    for history in [] if args.webhook else args.history:
        run = Run(
            args.users,
            backend=args.db,
            steady_rate=args.steady,
            history=history,
            meter=args.meter,
            explain=args.explain,
            profile=profile,
            pool=args.pool,
            waits=args.waits,
        )
        shape = f"steady {args.steady} updates/s" if args.steady else "all at once"
        title = (
            f"chatdesk on {args.db}: {args.users} employees x {STEPS} updates (whole intake), "
            f"{shape}, {history:,} past rows"
        )
        figures = await run_chatdesk(run)
        _show(title, figures)
        runs.append((title, figures))
    if args.webhook:
        webhook_runs = []
        for count in args.webhook:
            run = Run(args.users, backend="postgresql", steady_rate=args.steady, waits=args.waits)
            shape = f"steady {args.steady} updates/s" if args.steady else "all at once"
            title = (
                f"chatdesk webhook, {count} instance(s) (chatdesk run) on postgresql: "
                f"{args.users} employees x {STEPS} updates, {shape}"
            )
            figures = await run_webhook(run, count)
            _show(title, figures)
            webhook_runs.append((count, figures))
        first_count, first = webhook_runs[0]
        for count, figures in webhook_runs[1:]:
            ratio = figures["updates_per_second"] / first["updates_per_second"]
            print(f"ratio {count} / {first_count} instance(s): {ratio:.2f} (aim: >= 1.6 for 2 / 1)")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    if len(runs) > 1:
        empty = runs[0][1]
        print("growth: per-update cost against the first run")
        for _, figures in runs[1:]:
            for key in ("cpu ms/update", "db ms/update", "statements/update"):
                if key in figures and empty.get(key):
                    change = 100 * (figures[key] / empty[key] - 1)
                    print(f"  {figures.get('history rows per table')}: {key} {change:+.1f} %")
    if not args.no_echo:
        echo = await run_echo_baseline(args.users, STEPS)
        _show(f"bare aiogram echo bot: {args.users} users x {STEPS} messages", echo)
        ratio = runs[0][1]["updates_per_second"] / echo["updates_per_second"]
        print(f"ratio chatdesk / echo: {ratio:.2f} (aim: >= 0.50)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"profile of the chatdesk run written to {args.profile}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--steady",
        type=float,
        metavar="RATE",
        help="start employees one after another so updates arrive at about RATE per second",
    )
    parser.add_argument(
        "--history",
        type=int,
        nargs="+",
        default=[0],
        metavar="N",
        help="growth mode: one run per N past rows in each history table (e.g. 0 100000)",
    )
    parser.add_argument(
        "--webhook",
        type=int,
        nargs="+",
        metavar="N",
        help="PostgreSQL, webhook mode: one run per N chatdesk run processes (e.g. 1 2)",
    )
    parser.add_argument("--pool", type=int, help="PostgreSQL: pool size (no overflow)")
    parser.add_argument(
        "--waits", action="store_true", help="PostgreSQL: what sessions wait for (lock waits)"
    )
    parser.add_argument("--meter", action="store_true", help="statements, round trips, db time")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the statements run")
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bot baseline")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the chatdesk run into FILE")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parser.parse_args()))
