"""Text from people arrives escaped everywhere it is shown; non-agents cannot act on tickets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.domain.enums import TicketStatus
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons
from tests.integration.telegram.staff import ALICE, RITA, all_tickets, staffed_desk

NASTY = "<b>bold</b> & <script>alert(1)</script>"
AGENT_NASTY = "Try <i>this</i> & </b> that"
MALLORY = TgUser(id=666, first_name="Mallory", language_code="en")


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def _open_ticket(desk: TelegramDesk, user: TgUser, question: str) -> dict[str, Any]:
    """Ask, go to intake (past any suggestions), answer every step, create. The summary."""
    asked = await desk.say(user, question, with_buttons=True)
    if "None of these — create a ticket" in buttons(asked):
        asked = await desk.press(user, asked, "None of these — create a ticket", with_buttons=True)
    impact = await desk.press(user, asked, "Network", with_buttons=True)
    urgency = await desk.press(user, impact, "Just me", with_buttons=True)
    await desk.press(user, urgency, "It can wait", contains="press Done")
    details = await desk.say(user, NASTY, contains="Added")
    summary = await desk.press(user, details, "Done", contains="Please check your request")
    await desk.press(user, summary, "Create", contains="ticket #1001")
    return summary


def _escaped(message: dict[str, Any], raw: str = NASTY) -> None:
    """The person's characters are shown literally, and were sent as HTML entities."""
    assert message["parse_mode"] == "HTML"
    assert raw in message["plain_text"], message["plain_text"]
    assert "<script>" not in message["text"] and "</b> that" not in message["text"]
    assert "&lt;" in message["text"] and "&amp;" in message["text"]


async def test_text_with_markup_characters_arrives_escaped_everywhere(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    summary = await _open_ticket(desk, RITA, NASTY)
    _escaped(summary)
    assert "<b>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in summary["text"], "title in bold"

    card = await desk.next_message(desk.room, after=0, contains="#1001")
    _escaped(card)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card["text"]

    # The employee's follow-up reaches the agents as a relayed message, escaped.
    before = len(desk.chat(desk.room))
    await desk.say(RITA, f"More: {NASTY}", contains="Added to your ticket #1001")
    relayed = await desk.next_message(desk.room, after=before, contains=f"More: {NASTY}")
    _escaped(relayed)

    # The employee's own view of the ticket.
    view = await desk.say(RITA, "/ticket 1001", contains="#1001")
    _escaped(view)

    # An agent's reply with markup characters reaches the employee escaped too.
    before = len(desk.chat(RITA))
    await desk.say(ALICE, f"/reply 1001 {AGENT_NASTY}", chat=desk.room, contains="Sent to")
    answer = await desk.next_message(RITA, after=before, contains=AGENT_NASTY)
    _escaped(answer, AGENT_NASTY)
    assert "&lt;i&gt;this&lt;/i&gt; &amp; &lt;/b&gt;" in answer["text"]

    [ticket] = await all_tickets(db)
    assert ticket.title == NASTY, "stored as typed, escaped only when rendered"


async def test_a_non_agent_claim_is_refused_politely_and_changes_nothing(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    await _open_ticket(desk, RITA, "The printer on floor 2 is jammed")
    card = await desk.next_message(desk.room, after=0, contains="#1001")
    refusal = "Sorry, this is only for the support team."

    private = await desk.say(MALLORY, "/claim 1001", contains="Sorry")
    assert private["plain_text"] == refusal
    in_group = await desk.say(MALLORY, "/claim 1001", chat=desk.room, contains="Sorry")
    assert in_group["plain_text"] == refusal
    own = await desk.say(RITA, "/claim 1001", contains="Sorry")
    assert own["plain_text"] == refusal, "the requester is no agent either"

    answers = len(fake.callback_answers)
    await fake.user_presses_button(MALLORY, card, buttons(card)["Claim"])
    await fake.wait_for(lambda: len(fake.callback_answers) > answers)
    assert fake.callback_answers[-1]["text"] == refusal

    [ticket] = await all_tickets(db)
    assert ticket.assignee_id is None and ticket.status is TicketStatus.NEW
    async with db.uow() as uow:
        assert ticket.id is not None
        assert [a.action for a in await uow.history.audit(ticket.id)] == ["opened"]
        mallory = await uow.people.by_identity("telegram", str(MALLORY.id))
    assert mallory is not None and not mallory.is_agent
    assert not desk.chat(desk.room)[0]["edited"], "the card is unchanged"
    assert "Claim" in buttons(desk.chat(desk.room)[0])
