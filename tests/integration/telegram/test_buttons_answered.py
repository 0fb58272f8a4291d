"""Every button press is answered, so no button spins until Telegram gives up: a press that
does something, one that has expired, data we never made, and one whose handling fails."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.intake import handler
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, button
from tests.integration.telegram.staff import RITA, staffed_desk


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def _press(fake: FakeTelegramServer, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Press and wait for the answer to that very press."""
    query = await fake.user_presses_button(RITA, message, data)
    return await fake.wait_for(
        lambda: next(
            (a for a in fake.callback_answers if a["callback_query_id"] == query["id"]), None
        ),
        timeout=10,
    )


async def test_a_press_whose_handling_fails_is_still_answered(
    desk: TelegramDesk,
    fake: FakeTelegramServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    asked = await desk.say(RITA, "The printer on floor 3 is broken", with_buttons=True)

    async def broken(turn: object) -> None:
        raise RuntimeError("a bug in a button handler")

    monkeypatch.setattr(handler, "_route", broken)
    with caplog.at_level(logging.ERROR):
        answer = await _press(fake, asked, button(asked, "Cancel"))
    assert answer["text"] == "Sorry, something went wrong. Please try again in a minute."
    assert any(
        r.exc_info and "a bug in a button handler" in str(r.exc_info[1]) for r in caplog.records
    ), "the failure is logged with its traceback"

    monkeypatch.undo()  # fixed: the same button works again
    answer = await _press(fake, asked, button(asked, "Cancel"))
    assert answer.get("text") is None
    await fake.wait_for(lambda: any("Cancelled" in m["plain_text"] for m in desk.chat(RITA)))


@pytest.mark.parametrize("data", ["cancel", "claim:¹", "assign:1001:10²⁰", "zzz", "x" * 64])
async def test_expired_and_foreign_button_data_is_answered(
    data: str, desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    hello = await desk.say(RITA, "/start", contains="Hello, Rita!")
    # A button we never made (an old version's, or forged): put it on the bot's message.
    fake.state.messages[(RITA.id, hello["message_id"])]["reply_markup"] = {
        "inline_keyboard": [[{"text": "old", "callback_data": data}]]
    }
    answer = await _press(fake, hello, data)
    assert answer["text"] == "This button is no longer active."
