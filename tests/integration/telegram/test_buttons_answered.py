"""Every button press is answered, so no button spins until Telegram gives up: a press that
does something, one that has expired, data we never made, and one whose handling fails.
A message whose handling fails gets an apology, once, instead of silence."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.intake import handler
from core.intake.events import ChannelUser, InboundEvent
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, button
from tests.integration.telegram.staff import RITA, outbox_rows, staffed_desk


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


async def test_a_message_whose_handling_fails_gets_an_apology_once(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(turn: object) -> None:
        raise RuntimeError("a bug in the dialogue")

    monkeypatch.setattr(handler, "_route", broken)
    sorry = await desk.say(RITA, "The printer is broken", contains="Sorry")
    assert sorry["plain_text"] == "Sorry, something went wrong. Please try again in a minute."
    async with db.uow() as uow:
        assert await uow.conversations.get("telegram", str(RITA.id)) is None, "nothing written"

    # The same event delivered again (a webhook retry) and failing again: no second apology.
    assert desk.channel is not None
    processor = desk.channel.host.processor
    again = InboundEvent(
        channel="telegram",
        chat_ref=str(RITA.id),
        user=ChannelUser(str(RITA.id), "Rita", language_code="en"),
        kind="text",
        event_key="update:999",
        text="The printer is broken",
    )
    for _ in range(2):
        with pytest.raises(RuntimeError, match="a bug in the dialogue"):
            await processor.process(again)
    apologies = [
        row for row in await outbox_rows(db) if "Sorry, something went wrong" in str(row.payload)
    ]
    assert len(apologies) == 2, "one for the polled message, one for the event delivered twice"

    monkeypatch.undo()
    await desk.say(RITA, "The printer is broken", with_buttons=True)
