"""Baseline: a bare aiogram echo bot, long polling the fake Bot API server.

Shows what aiogram plus the fake cost on this machine with no chatdesk code at all, so
chatdesk's own figures (bench/telegram_throughput.py) can be read against it.
Run alone: ``python bench/telegram_echo_baseline.py [n_users] [messages_per_user]``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

from chatdesk import heap
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer


def _echo_router() -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return router


class Inbox(list[dict[str, Any]]):
    """A chat's bot messages in the fake that wake only that chat's waiter. (``fake.wait_for``
    re-checks every waiter on every change, which with hundreds of users costs more than the
    bots being measured.)"""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def append(self, item: dict[str, Any]) -> None:
        super().append(item)
        self.changed.set()

    async def wait_beyond(self, count: int, seconds: float = 60.0) -> dict[str, Any]:
        """The message at index ``count``, once the bot has sent it."""
        async with asyncio.timeout(seconds):
            while len(self) <= count:
                self.changed.clear()
                await self.changed.wait()
        return self[count]


def inbox(fake: FakeTelegramServer, chat_id: int) -> Inbox:
    """The chat's :class:`Inbox`; call before the bot sends anything there."""
    box = fake.state.bot_messages.setdefault(chat_id, Inbox())
    if not isinstance(box, Inbox):
        raise RuntimeError(f"chat {chat_id} already has messages")
    return box


async def _user(fake: FakeTelegramServer, user: TgUser, count: int) -> None:
    replies = inbox(fake, user.id)
    for i in range(count):
        await fake.user_sends_text(user, f"u{user.id} m{i}")
        await replies.wait_beyond(i)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_echo_baseline(n_users: int, messages_per_user: int) -> dict[str, Any]:
    """Echo ``n_users * messages_per_user`` messages; each user waits for the echo before
    sending the next. Latency: update pushed into the fake -> echo received by the fake."""
    async with FakeTelegramServer() as fake:
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
        bot = Bot(fake.token, session=session)
        dispatcher = Dispatcher()
        dispatcher.include_router(_echo_router())
        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
        await fake.wait_for(lambda: fake.requests_for("getUpdates"))
        heap.settle()  # as chatdesk's run is measured (bench/telegram_throughput.py)
        users = [TgUser(id=10_000 + n, first_name=f"User{n}") for n in range(n_users)]
        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(_user(fake, user, messages_per_user) for user in users))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()

    pushed = {
        u["message"]["text"]: fake.push_times[u["update_id"]]
        for u in fake.update_log
        if "message" in u
    }
    latencies = [
        (reply["at"] - pushed[reply["text"]]) * 1000
        for user in users
        for reply in fake.messages_in(user.id)
    ]
    total = n_users * messages_per_user
    return {
        "users": n_users,
        "messages": total,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(_percentile(latencies, 0.95), 2),
        "cpu ms/update": round(cpu * 1000 / total, 2),
    }


def main() -> None:
    n_users = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    per_user = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    figures = asyncio.run(run_echo_baseline(n_users, per_user))
    print("aiogram echo baseline (fake Bot API, long polling)")
    for key, value in figures.items():
        print(f"  {key:>20}: {value}")


if __name__ == "__main__":
    main()
