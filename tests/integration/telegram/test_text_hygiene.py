"""Text that cannot be stored as sent (NUL, lone surrogates) is answered, on SQLite and
PostgreSQL (over the webhook too: test_webhook.py); text that shows nothing counts as empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.domain.conversation import Step
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons, last_with_button
from tests.integration.telegram.staff import RITA, all_tickets, staffed_desk

BROKEN = "Printer\x00 jammed \ud83d again"  # a NUL and a lone high surrogate
STORED = "Printer jammed \ufffd again"
INVISIBLE = "\u200b\u200d\u2060\u200e\u200f\ufeff \u3164"  # zero-width, direction marks, filler


async def _conversation_of(db: Database, user: TgUser) -> tuple[Step, str] | None:
    async with db.uow() as uow:
        talk = await uow.conversations.get("telegram", str(user.id))
    return None if talk is None else (talk.step, talk.draft.question)


async def _reach_details(desk: TelegramDesk, user: TgUser, asked: dict[str, Any]) -> None:
    """From the answer to a question to the details step of the intake."""
    if "None of these — create a ticket" in buttons(asked):
        asked = await desk.press(user, asked, "None of these — create a ticket", with_buttons=True)
    impact = await desk.press(user, asked, "Network", with_buttons=True)
    urgency = await desk.press(user, impact, "Just me", with_buttons=True)
    await desk.press(user, urgency, "It can wait", contains="press Done")


async def _create_ticket_from_here(desk: TelegramDesk, user: TgUser, asked: dict[str, Any]) -> None:
    await _reach_details(desk, user, asked)
    await _done_and_create(desk, user)


async def _done_and_create(desk: TelegramDesk, user: TgUser) -> None:
    details = last_with_button(desk.chat(user), "Done")
    summary = await desk.press(user, details, "Done", contains="Please check your request")
    await desk.press(user, summary, "Create", contains="ticket #1001")


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def test_nul_and_lone_surrogates_are_answered_and_stored_cleaned(
    desk: TelegramDesk, db: Database
) -> None:
    asked = await desk.say(RITA, BROKEN, with_buttons=True)
    assert await _conversation_of(db, RITA) == (
        Step.SUGGESTING if "None of these — create a ticket" in buttons(asked) else Step.CATEGORY,
        STORED,
    )
    await _create_ticket_from_here(desk, RITA, asked)
    [ticket] = await all_tickets(db)
    assert ticket.title == STORED
    assert "\x00" not in ticket.description and STORED in ticket.description


async def test_a_sender_name_with_a_surrogate_is_answered(desk: TelegramDesk, db: Database) -> None:
    odd = TgUser(id=777, first_name="Ri\ud800ta\x00", language_code="en")
    hello = await desk.say(odd, "/start", contains="Hello")
    assert hello["plain_text"].startswith("Hello, Ri\ufffdta!")


async def test_invisible_only_text_is_treated_as_empty(desk: TelegramDesk, db: Database) -> None:
    answer = await desk.say(RITA, INVISIBLE)
    assert answer["plain_text"] == (
        "Your message looks empty to me. Please describe your request in words."
    )
    assert not buttons(answer)
    assert await _conversation_of(db, RITA) in (None, (Step.IDLE, ""))
    assert await all_tickets(db) == []

    # Nor does it count as a detail of a request being written.
    await _reach_details(desk, RITA, await desk.say(RITA, "The VPN\u200b drops", with_buttons=True))
    await desk.say(RITA, INVISIBLE, contains="looks empty")
    async with db.uow() as uow:
        talk = await uow.conversations.get("telegram", str(RITA.id))
    assert talk is not None and talk.step is Step.DETAILS and talk.draft.details == []
    assert talk.draft.question == "The VPN\u200b drops", "format characters inside text stay"


async def test_a_log_pasted_as_six_messages_becomes_one_attachment(
    desk: TelegramDesk, db: Database
) -> None:
    """Telegram splits a 24,000-character paste into messages of at most 4,096 characters."""
    asked = await desk.say(RITA, "VPN tunnel keeps resetting", with_buttons=True)
    await _reach_details(desk, RITA, asked)
    line = "12:00:01 ERROR vpn: tunnel reset by peer\n"
    log = (line * 600)[:24_000]
    pieces = [log[start : start + 4_000] for start in range(0, len(log), 4_000)]
    for piece in pieces:
        told = await desk.say(RITA, piece, contains="attached it")
        assert "as the file pasted-text.txt" in told["plain_text"]
    await _done_and_create(desk, RITA)
    [ticket] = await all_tickets(db)
    async with db.uow() as uow:
        assert ticket.id is not None
        [kept] = await uow.history.attachments(ticket.id)
        stored = await uow.files.get(int(kept.file_ref))
    assert kept.name == "pasted-text.txt" and stored is not None
    assert stored.content.decode() == "\n\n".join(piece.strip() for piece in pieces)
    assert line.strip() not in ticket.description
