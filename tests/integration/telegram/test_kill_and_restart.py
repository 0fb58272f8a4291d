"""`chatdesk run` killed with SIGKILL while a reply is being sent, then started again: the new
process resends the unfinished delivery within seconds of coming up (issue 7 #9), and the
person receives it once. Two real processes, one SQLite file, the fake Bot API in this test."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from tests.fakes.local_http import free_port
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.chatdesk_process import chatdesk_env, start, stop

DANA = TgUser(id=4243, first_name="Dana", language_code="en")


async def test_a_killed_process_restarted_resends_what_was_in_flight(
    fake: FakeTelegramServer, tmp_path: Path
) -> None:
    env = chatdesk_env(
        CHATDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        CHATDESK_ADMIN_PORT=str(free_port()),
        CHATDESK_TELEGRAM_TOKEN=fake.token,
        CHATDESK_TELEGRAM_API_URL=fake.url,
    )
    log = tmp_path / "run.log"
    fake.hang_next("sendMessage", 120)  # the greeting leaves and never gets an answer
    first = await start(env, tmp_path, log)
    second = None
    try:
        await fake.user_sends_text(DANA, "/start")
        await fake.wait_for(
            lambda: fake.requests_for("sendMessage"), timeout=240
        )  # a loaded machine starts slowly
        first.send_signal(signal.SIGKILL)
        await first.wait()

        asked_before = len(fake.requests_for("getMe"))
        second = await start(env, tmp_path, log)
        await fake.wait_for(lambda: len(fake.requests_for("getMe")) > asked_before, timeout=240)
        up_at = time.monotonic()

        def greeted() -> list[object]:
            return [m for m in fake.messages_in(DANA.id) if m["plain_text"] == "Hello, Dana!"]

        try:
            await fake.wait_for(greeted, timeout=10)
        except TimeoutError:
            raise AssertionError(f"not resent; the processes said:\n{log.read_text()}") from None
        took = time.monotonic() - up_at
        assert took < 5, f"resent {took:.1f} s after the new process came up"
        await asyncio.sleep(1.5)  # a later sweep sends nothing twice
        assert len(greeted()) == 1
        assert [r["text"] for r in fake.requests_for("sendMessage")].count("Hello, Dana!") == 2
    finally:
        for process in (first, second):
            if process is not None:
                await stop(process)
    assert second is not None and second.returncode == 0, log.read_text()
