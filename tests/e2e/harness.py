"""A real `chatdesk run` for browser tests: the process on a free port with its own SQLite file,
its Telegram bot polling a fake Bot API server that lives in a background event loop here."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from chatdesk.demo import load_demo
from core.domain.enums import Role
from core.services import accounts
from core.services.context import operator
from storage import migrate
from storage.unit_of_work import Database
from tests.fakes.local_http import free_port
from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import button, buttons
from tests.support.chatdesk_process import chatdesk_command, chatdesk_env

AGENTS_CHAT = -1001000000077
PASSWORD = "e2e correct horse"
T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    password: str = PASSWORD


ADMIN = Account("ada@example.com", "Ada Admin")
AGENT = Account("alice@example.com", "Alice Agent")


class LoopThread:
    """An event loop in a daemon thread; ``run`` waits for a coroutine from sync code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def prepare(url: str) -> None:
    await migrate.upgrade(url)
    database = Database(url)
    try:
        await load_demo(database)
        async with database.uow() as uow:
            for account, role in ((ADMIN, Role.ADMIN), (AGENT, Role.AGENT)):
                await accounts.create_user(
                    uow,
                    actor=operator(),
                    email=account.email,
                    role=role,
                    password=account.password,
                    display_name=account.name,
                )
            await uow.commit()
    finally:
        await database.dispose()


class RunningDesk:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.loop = LoopThread()
        self.fake = FakeTelegramServer()
        self.loop.run(self.fake.start())
        self.room = self.fake.register_chat(group_chat(AGENTS_CHAT, "Agents"))
        self.db_url = f"sqlite+aiosqlite:///{workdir / 'desk.db'}"
        asyncio.run(prepare(self.db_url))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = chatdesk_env(
            CHATDESK_DATABASE_URL=self.db_url,
            CHATDESK_ADMIN_PORT=str(port),
            CHATDESK_SECRET_KEY="e2e-secret-key-that-is-long-enough",
            CHATDESK_TELEGRAM_TOKEN=self.fake.token,
            CHATDESK_TELEGRAM_API_URL=self.fake.url,
            CHATDESK_TELEGRAM_AGENTS_CHAT=str(AGENTS_CHAT),
        )
        self.log_path = workdir / "run.log"
        with self.log_path.open(
            "wb"
        ) as log:  # a sync process: Playwright's sync API owns this thread
            self.process = subprocess.Popen(
                chatdesk_command("run"),
                env=env,
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 240  # a loaded machine starts slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chatdesk run exited:\n{self.log_path.read_text()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2),
            ):
                return
            time.sleep(0.2)
        raise RuntimeError(f"chatdesk run did not come up:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.loop.run(self.fake.stop())
        self.loop.close()

    # --- the employee's side, in the fake Telegram -------------------------------------------

    def chat(self, user: TgUser) -> list[dict[str, Any]]:
        return self.fake.messages_in(user.id)

    def wait_message(
        self,
        chat_id: int,
        *,
        after: int,
        contains: str = "",
        with_buttons: bool = False,
        timeout: float = 20,
    ) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            for message in self.fake.messages_in(chat_id)[after:]:
                if contains in (message.get("plain_text") or "") and (
                    not with_buttons or buttons(message)
                ):
                    return message
            return None

        return self.loop.run(self.fake.wait_for(found, timeout=timeout), timeout=timeout + 5)

    def say(
        self, user: TgUser, text: str, *, contains: str = "", with_buttons: bool = False
    ) -> dict[str, Any]:
        before = len(self.chat(user))
        self.loop.run(self.fake.user_sends_text(user, text))
        return self.wait_message(
            user.id, after=before, contains=contains, with_buttons=with_buttons
        )

    def press(
        self, user: TgUser, message: dict[str, Any], label: str, *, contains: str = ""
    ) -> dict[str, Any]:
        before = len(self.chat(user))
        self.loop.run(self.fake.user_presses_button(user, message, button(message, label)))
        return self.wait_message(user.id, after=before, contains=contains)


@contextlib.contextmanager
def running_desk(workdir: Path) -> Iterator[RunningDesk]:
    desk = RunningDesk(workdir)
    try:
        yield desk
    finally:
        desk.stop()
