"""Telegram throughput: many employees running the whole intake at once through the fake Bot API.

Every simulated employee asks a question, gets suggestions, presses "None of these", then
chooses the category, who is affected and how urgent, presses Done and Create: 7 updates, each
sent only when the bot has answered the previous one (as a person would). chatdesk runs as in
production: the real aiogram bot long-polling the fake server over HTTP, the engine, the outbox
and a SQLite database in a temporary file. Then, in the same run, a bare aiogram echo bot
(bench/telegram_echo_baseline.py) gets the same number of updates from the same kind of fake.

Latency is from the update entering the fake to the bot's answer being recorded by the fake.

    .venv/bin/python bench/telegram_throughput.py [--users 200] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.telegram_echo_baseline import inbox, run_echo_baseline  # noqa: E402
from core.domain.entities import Category, Group  # noqa: E402
from core.domain.enums import SupportLine, TicketType  # noqa: E402
from storage.tables import metadata  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402
from tests.fakes.telegram_objects import TgUser  # noqa: E402
from tests.fakes.telegram_server import FakeTelegramServer  # noqa: E402
from tests.integration.telegram.desk import TelegramDesk, button  # noqa: E402

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


async def _prepare(url: str) -> Database:
    database = Database(url)
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


async def _employee(fake: FakeTelegramServer, user: TgUser) -> list[tuple[int, float]]:
    """Run the intake; return (update_id, seconds from push to the bot's answer) per step."""
    answers = inbox(fake, user.id)
    timings: list[tuple[int, float]] = []

    async def answered(before: int) -> dict[str, Any]:
        update_id = fake.update_log[-1]["update_id"]  # pushing does not yield: this one is ours
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


async def run_chatdesk(n_users: int, profile: cProfile.Profile | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        database = await _prepare(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        async with FakeTelegramServer() as fake:
            desk = await TelegramDesk(database, fake).start()
            await fake.wait_for(lambda: fake.requests_for("getUpdates"))
            users = [TgUser(id=20_000 + n, first_name=f"Employee{n}") for n in range(n_users)]
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            results = await asyncio.gather(*(_employee(fake, user) for user in users))
            elapsed = time.perf_counter() - started
            if profile is not None:
                profile.disable()
            await _drain(database, desk)
            await desk.stop()
            async with database.uow() as uow:
                tickets = len(await uow.tickets.search(limit=n_users + 10))
        await database.dispose()
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
    }


def _show(title: str, figures: dict[str, Any]) -> None:
    print(title)
    for key, value in figures.items():
        print(f"  {key:>20}: {value}")


async def main(n_users: int, profile_path: str | None) -> None:
    profile = cProfile.Profile() if profile_path else None
    chatdesk = await run_chatdesk(n_users, profile)
    _show(f"chatdesk on SQLite: {n_users} employees x {STEPS} updates (whole intake)", chatdesk)
    echo = await run_echo_baseline(n_users, STEPS)
    _show(f"bare aiogram echo bot: {n_users} users x {STEPS} messages", echo)
    ratio = chatdesk["updates_per_second"] / echo["updates_per_second"]
    print(f"ratio chatdesk / echo: {ratio:.2f} (aim: >= 0.50)")
    if profile is not None and profile_path:
        profile.dump_stats(profile_path)
        print(f"profile of the chatdesk run written to {profile_path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the chatdesk run into FILE")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.users, args.profile))
