"""Chaos: getUpdates answered badly once — polling goes on, the next message is answered within
seconds and the log names what happened. /healthz follows the channel down and up again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bots.telegram.polling import PollingOptions
from core.domain.enums import OutboxState
from core.supervision import Backoff
from storage.unit_of_work import Database
from tests.fakes.telegram_server import BAD_GATEWAY_PAGE, RESET, FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, eventually
from tests.integration.telegram.staff import RITA, outbox_rows, staffed_desk

# Telegram holds a getUpdates open 1 s (not 25) and we wait 1 s more for its answer, so that
# "no answer at all" turns into a timeout within seconds. The backoff is the production one.
QUICK = PollingOptions(long_poll_seconds=1, network_margin_seconds=1.0)
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake, polling=QUICK)
    yield running
    await running.stop()


def _conflict(fake: FakeTelegramServer) -> None:
    fake.fail_next(
        "getUpdates",
        status=409,
        description="Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


async def _update_without(fake: FakeTelegramServer, field: str) -> None:
    message = fake.state.new_message(fake.register_chat(RITA), RITA) | {"text": "hello?"}
    del message[field]
    await fake.push_update({"message": message})


FAULTS: dict[str, tuple[Callable[[FakeTelegramServer], Any], str]] = {
    "an HTML 502 page": (
        lambda fake: fake.fail_next("getUpdates", status=502, page=BAD_GATEWAY_PAGE),
        "getUpdates: the answer was not Bot API JSON (Failed to decode object: <html>",
    ),
    "a 409 Conflict": (
        _conflict,
        "getUpdates: 409 Conflict - another instance is polling this bot, or a webhook is set",
    ),
    "a connection reset": (
        lambda fake: fake.fail_next("getUpdates", status=RESET),
        "getUpdates: network error",
    ),
    "a JSON 500": (
        lambda fake: fake.fail_next("getUpdates", status=500),
        "getUpdates: TelegramServerError (Internal Server Error)",
    ),
    "a timeout": (
        lambda fake: fake.hang_next("getUpdates", 4.0),
        "getUpdates: network error (Request timeout error)",
    ),
}


async def _answered_after(desk: TelegramDesk, fake: FakeTelegramServer) -> float:
    """Seconds from Rita's /start to the greeting."""
    started = time.monotonic()
    await desk.say(RITA, "/start", contains="Hello, Rita!")
    return time.monotonic() - started


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_bad_get_updates_answer_does_not_stop_polling(
    fault: str,
    desk: TelegramDesk,
    fake: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    inject, logged = FAULTS[fault]
    inject(fake)
    await fake.wait_for(lambda: fake.faults.injected, timeout=5)

    with caplog.at_level(logging.WARNING, logger="bots.telegram.polling"):
        took = await _answered_after(desk, fake)
    assert took < 5, f"answered {took:.1f} s after {fault}"
    messages = [r.getMessage() for r in caplog.records if r.name == "bots.telegram.polling"]
    assert any(logged in m for m in messages), messages
    [telegram] = [
        c for c in desk.health.report(down_after=MINUTE).components if c.name == "telegram"
    ]
    assert telegram.status == "ok"
    assert telegram.restarts == 0, "handled in the loop, not by a restart"


@pytest.mark.parametrize("missing", ["chat", "date"])
async def test_a_malformed_update_is_skipped_and_the_next_one_answered(
    missing: str,
    desk: TelegramDesk,
    fake: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bots.telegram.polling"):
        await _update_without(fake, missing)
        took = await _answered_after(desk, fake)
    assert took < 5
    [skipped] = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped.startswith("update 1 skipped: it is malformed (message.")
    assert f"message.{missing}: Field required" in skipped
    # The answer may arrive before the poller's next getUpdates confirms the batch.
    await fake.wait_for(lambda: not fake.pending_updates)  # confirmed, not asked for again
    assert [m["plain_text"] for m in desk.chat(RITA)][0] == "Hello, Rita!"


async def test_every_fault_in_a_row_still_ends_in_an_answer(
    db: Database, fake: FakeTelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    quick_backoff = PollingOptions(
        long_poll_seconds=1, network_margin_seconds=1.0, backoff=Backoff(0.1, maximum=0.4)
    )
    desk = await staffed_desk(db, fake, polling=quick_backoff)
    try:
        for inject, _ in FAULTS.values():
            inject(fake)
        await _update_without(fake, "chat")
        with caplog.at_level(logging.WARNING, logger="bots.telegram.polling"):
            await fake.wait_for(lambda: len(fake.faults.injected) == len(FAULTS), timeout=15)
            took = await _answered_after(desk, fake)
        assert took < 5
        text = "\n".join(r.getMessage() for r in caplog.records)
        for _, logged in FAULTS.values():
            assert logged in text
        assert "update 1 skipped" in text
    finally:
        await desk.stop()


async def test_healthz_shows_the_channel_degraded_while_telegram_is_down_and_ok_after(
    db: Database, fake: FakeTelegramServer
) -> None:
    options = PollingOptions(
        long_poll_seconds=1, network_margin_seconds=1.0, backoff=Backoff(0.1, maximum=0.3)
    )
    desk = await staffed_desk(db, fake, polling=options, health_channel_down_after=1.5)
    transport = httpx.ASGITransport(app=desk.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:

            async def health() -> tuple[int, dict[str, Any]]:
                answer = await http.get("/healthz")
                return answer.status_code, answer.json()

            await desk.say(RITA, "/start", contains="Hello, Rita!")
            code, body = await health()
            assert code == 200 and body["status"] == "ok"
            assert body["channels"]["telegram"]["status"] == "ok"
            assert body["database"]["status"] == "ok"
            # Everything /start owes is sent before the outage, so that afterwards no send
            # of it is still backing off in front of the /help answer.
            await eventually(_outbox_drained(db))

            fake.go_down()
            # A second refused getUpdates means the poller has taken in the first refusal
            # (it reports, then backs off, then asks again); refusals of the outbox's sends
            # don't count.
            await fake.wait_for(lambda: _refused(fake, "getUpdates") >= 2, timeout=5)
            code, body = await health()
            telegram = body["channels"]["telegram"]
            assert (code, body["status"], telegram["status"]) == (200, "degraded", "degraded")
            assert telegram["last_error"].startswith("getUpdates: network error")
            assert telegram["since"] and telegram["last_ok_at"] <= telegram["since"]

            await asyncio.sleep(1.6)  # longer than the threshold
            code, body = await health()
            assert (code, body["status"], body["down"]) == (503, "down", ["telegram"])

            fake.come_back()
            await desk.say(RITA, "/help", contains="/new")
            code, body = await health()
            assert (code, body["status"]) == (200, "ok")
            assert body["channels"]["telegram"]["status"] == "ok"
    finally:
        await desk.stop()


def _refused(fake: FakeTelegramServer, method: str) -> int:
    return sum(1 for name, _ in fake.faults.injected if name == method)


def _outbox_drained(db: Database) -> Callable[[], Awaitable[bool]]:
    async def drained() -> bool:
        return all(row.state is OutboxState.SENT for row in await outbox_rows(db))

    return drained
