"""Issue 7 #9: a restart right after a crash resends the unfinished delivery within seconds
(it used to wait a whole 60-second lease), and still exactly once where the first send never
completed. These tests run on the real clock: the lease really has to run out."""

from __future__ import annotations

import time

import pytest

from core.ports import Clock, SystemClock
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.staff import RITA, staffed_desk


@pytest.fixture
def clock() -> Clock:  # the `db` fixture's clock: real time here
    return SystemClock()


async def test_a_restart_right_after_a_crash_resends_the_unfinished_delivery_within_5_s(
    db: Database, fake: FakeTelegramServer
) -> None:
    desk = await staffed_desk(db, fake)
    try:
        fake.hang_next("sendMessage", 30)  # the greeting is on its way when the process dies
        await fake.user_sends_text(RITA, "/start")
        await fake.wait_for(lambda: fake.requests_for("sendMessage"))
        await desk.crash()

        restarted_at = time.monotonic()
        await desk.start()
        await desk.next_message(RITA, after=0, contains="Hello, Rita!")
        took = time.monotonic() - restarted_at
    finally:
        await desk.stop()
    assert took < 5, f"resent {took:.1f} s after the restart"
    texts = [m["plain_text"] for m in desk.chat(RITA)]
    assert texts.count("Hello, Rita!") == 1
    attempts = [r["text"] for r in fake.requests_for("sendMessage")]
    assert attempts.count("Hello, Rita!") == 2, "sent again (at least once), received once"
