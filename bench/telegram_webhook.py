"""Webhook mode for bench/telegram_throughput.py: chatdesk instances as separate ``chatdesk run``
processes on one PostgreSQL database, each serving the Telegram webhook, and a driver that
delivers the fake Bot API's updates to them as Telegram would.

Telegram POSTs each update to the one public webhook URL with the secret token in
``X-Telegram-Bot-Api-Secret-Token``; a load balancer in front spreads the requests over the
instances. The driver plays both: a chat always goes to the same instance (chat id modulo the
number of instances, as a balancer hashing on the chat would), and one chat's updates are
posted one after another, in the order they were pushed (a per-chat FIFO lock), so per-chat
order holds. A 5xx answer or a dropped connection is retried, as Telegram retries (the
instances deduplicate by update_id).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

from bots.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support import chatdesk_process

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_URL = "https://desk.example.test" + WEBHOOK_PATH  # what setWebhook registers
SECRET = "bench-webhook-secret"
START_S = 120.0
RETRIES = 20
KEEP_ALIVE_S = 3  # below uvicorn's 5 s, so no request goes out on a connection it is closing


class Instance(chatdesk_process.Instance):
    """One ``chatdesk run`` process serving the webhook (and the admin panel) on its own port."""

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    async def ready(self, http: aiohttp.ClientSession) -> bool:
        try:
            async with http.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                channels = (await answer.json()).get("channels", {})
        except (aiohttp.ClientError, ValueError):
            return False
        return (channels.get("telegram") or {}).get("status") == "ok"

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def cpu_wait_seconds(self) -> float:
        assert self.process is not None
        return cpu_wait_seconds(self.process.pid)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_wait_seconds(pid: int) -> float:
    """Time the process spent runnable but waiting for a CPU so far (Linux schedstat; the
    main thread's, where the event loop runs; 0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


async def backend_pids(url: str) -> list[int]:
    """The PostgreSQL server processes serving database ``url`` now (a local server)."""
    target = make_url(url)
    connection = await asyncpg.connect(
        host=target.host or "127.0.0.1", port=target.port or 5432,
        user=target.username or "postgres", password=target.password, database=target.database,
    )  # fmt: skip
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return [int(row["pid"]) for row in rows]


class WebhookDriver:
    """Delivers updates to the instances; :meth:`deliver` returns once the update is queued."""

    def __init__(self, http: aiohttp.ClientSession, instances: list[Instance]) -> None:
        self.http = http
        self.instances = instances
        self.chat_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.tasks: set[asyncio.Task[None]] = set()
        self.posts = 0
        self.retried = 0
        self.post_ms: list[float] = []  # each POST's round trip: the update handled, committed

    def deliver(self, update: dict[str, Any]) -> None:
        chat = _chat_of(update)
        lock = self.chat_locks[chat]  # taken in push order: asyncio locks wake waiters FIFO
        task = asyncio.create_task(
            self._post(self.instances[chat % len(self.instances)], update, lock)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _post(self, instance: Instance, update: dict[str, Any], lock: asyncio.Lock) -> None:
        async with lock:
            for attempt in range(RETRIES):
                self.posts += 1
                started = time.perf_counter()
                try:
                    async with self.http.post(
                        instance.webhook, json=update, headers={SECRET_HEADER: SECRET}
                    ) as answer:
                        if answer.status == 200:
                            self.post_ms.append((time.perf_counter() - started) * 1000)
                            return
                        if answer.status < 500:
                            raise RuntimeError(f"{instance.name} answered {answer.status}")
                except aiohttp.ClientConnectionError:
                    pass  # e.g. a kept-alive connection the server had just closed: send again
                self.retried += 1
                await asyncio.sleep(min(0.1 * (attempt + 1), 1.0))
            raise RuntimeError(f"{instance.name} failed update {update['update_id']} {RETRIES}x")


def _chat_of(update: dict[str, Any]) -> int:
    if "message" in update:
        return int(update["message"]["chat"]["id"])
    return int(update["callback_query"]["message"]["chat"]["id"])


@contextlib.asynccontextmanager
async def webhook_instances(
    url: str, fake: FakeTelegramServer, count: int, *, agents_chat: int
) -> AsyncIterator[WebhookDriver]:
    """``count`` chatdesk instances on database ``url`` in webhook mode, up and registered,
    and the driver that feeds them; stopped afterwards (their logs are printed if one fails)."""
    env = chatdesk_process.chatdesk_env(
        CHATDESK_DATABASE_URL=url,
        CHATDESK_TELEGRAM_TOKEN=fake.token,
        CHATDESK_TELEGRAM_API_URL=fake.url,
        CHATDESK_TELEGRAM_AGENTS_CHAT=str(agents_chat),
        CHATDESK_TELEGRAM_WEBHOOK_URL=PUBLIC_URL,
        CHATDESK_TELEGRAM_WEBHOOK_SECRET=SECRET,
        CHATDESK_KB_SEMANTIC="false",  # as the in-process bench desk: lexical suggestions
    )
    with tempfile.TemporaryDirectory() as tmp:
        instances = [
            Instance(f"instance{i + 1}", env, Path(tmp) / f"{i + 1}.log") for i in range(count)
        ]
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEP_ALIVE_S)
        async with aiohttp.ClientSession(connector=connector) as http:
            try:
                for instance in instances:
                    await instance.start(ROOT)
                deadline = time.monotonic() + START_S
                while (
                    not all([await i.ready(http) for i in instances])
                    or len(fake.requests_for("setWebhook")) < count
                ):
                    if time.monotonic() > deadline:
                        raise RuntimeError("instances not up in time")
                    await asyncio.sleep(0.3)
                yield WebhookDriver(http, instances)
            except BaseException:
                for instance in instances:
                    print(f"--- {instance.name} log (tail)\n{instance.log.read_text()[-3000:]}")
                raise
            finally:
                for instance in instances:
                    await instance.stop()
