"""Self-help that solves the problem ends without a ticket; a restart mid-intake loses nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.button_data import unpack
from core.domain.conversation import Step
from core.domain.enums import Level
from core.domain.knowledge import SuggestionOutcome
from core.domain.priority import PRIORITY_WORDS, priority_for
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, button, buttons
from tests.integration.telegram.staff import RITA, all_tickets, staffed_desk, ticket_count


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def test_an_article_that_solves_it_ends_without_a_ticket_and_is_counted(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    asked = await desk.say(RITA, "My VPN keeps dropping every few minutes", with_buttons=True)
    opened = await desk.press(RITA, asked, "VPN keeps disconnecting", contains="TCP")
    assert {"This solved it", "Not helpful"} <= set(buttons(opened))
    solved_data = button(opened, "This solved it")
    pressed = unpack(solved_data)
    assert pressed is not None
    event_id = pressed.number(0)

    closing = await desk.press(RITA, opened, "This solved it", contains="Glad it helped")
    assert not buttons(closing)

    # The same button pressed again counts nothing twice.
    answers = len(fake.callback_answers)
    await fake.user_presses_button(RITA, opened, solved_data)
    await fake.wait_for(lambda: len(fake.callback_answers) > answers)
    assert fake.callback_answers[-1]["text"] == "This button is no longer active."

    assert await ticket_count(db) == 0
    async with db.uow() as uow:
        await uow.articles.fold_uses()
        article = await uow.articles.get("vpn-drops")
        event = await uow.knowledge_log.event(event_id)
        talk = await uow.conversations.get("telegram", str(RITA.id))
    assert article is not None and event is not None
    assert (article.opened_count, article.helped_count, article.not_helped_count) == (1, 1, 0)
    assert event.outcome is SuggestionOutcome.HELPED
    assert event.helped_article_id == "vpn-drops" and event.ticket_id is None
    assert talk is None or talk.step is Step.IDLE
    assert not [m for m in desk.chat(desk.room) if "#" in (m["plain_text"] or "")]


async def test_a_restart_in_the_middle_of_intake_continues_the_dialogue(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    asked = await desk.say(RITA, "My VPN keeps dropping every few minutes", with_buttons=True)
    category = await desk.press(
        RITA, asked, "None of these — create a ticket", contains="What is it about?"
    )
    impact = await desk.press(RITA, category, "Network", contains="Who is affected?")
    old_bot = desk.channel

    await desk.restart()
    assert desk.channel is not old_bot

    # The buttons of messages the old bot sent still work, and the answers given before count.
    urgency = await desk.press(RITA, impact, "My team", contains="How urgent is it?")
    details = await desk.press(RITA, urgency, "I cannot work", contains="press Done")
    await desk.restart()
    summary = await desk.press(RITA, details, "Done", contains="Please check your request")
    assert "Category: Network" in summary["plain_text"]
    assert "Affected: My team" in summary["plain_text"]
    assert "Urgency: I cannot work" in summary["plain_text"]
    created = await desk.press(RITA, summary, "Create", contains="ticket #1001")
    expected = priority_for(Level(2), Level(3))
    assert f"priority: {PRIORITY_WORDS[expected]}" in created["plain_text"]
    assert expected.value not in created["plain_text"], "employees see words, not P1-P4"

    [ticket] = await all_tickets(db)
    assert ticket.title == "My VPN keeps dropping every few minutes"
    assert ticket.priority is expected
    assert "did not help" in ticket.description
    async with db.uow() as uow:
        category_row = await uow.catalog.category("network")
    assert category_row is not None and ticket.category_id == category_row.id
    # Nothing was handled twice across the restarts: one reply per press.
    texts = [m["plain_text"] for m in desk.chat(RITA)]
    assert sum("How urgent is it?" in t for t in texts) == 1
    assert sum("ticket #1001" in t for t in texts) == 1
