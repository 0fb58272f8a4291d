"""The whole story over Telegram: the real aiogram bot polls a fake Bot API server over HTTP.

employee asks → suggestions → not helpful → intake with a photo → ticket → card in the agents'
group → claim by button and by /claim (second refused) → agent answers with a Telegram reply →
employee receives it → agent resolves → employee rates 5 and comments → the ticket shows the
rating and the audit trail shows every step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.domain.enums import Role, TicketStatus
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons, eventually, last_with_button
from tests.support.desk import make_groups, make_person

RITA = TgUser(id=501, first_name="Rita", language_code="en")
ALICE = TgUser(id=11, first_name="Alice", username="alice")
BOB = TgUser(id=12, first_name="Bob", username="bob")


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    await make_groups(db)
    await make_person(db, "Alice", role=Role.AGENT, external_id="11", username="alice")
    await make_person(db, "Bob", role=Role.AGENT, external_id="12", username="bob")
    running = await TelegramDesk(db, fake).start()
    yield running
    await running.stop()


async def test_the_whole_story_over_telegram(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    room = desk.room
    hello = await desk.say(RITA, "/start", contains="Hello, Rita!")
    assert hello["parse_mode"] == "HTML"
    await desk.next_message(RITA, after=0, contains="/help")

    asked = await desk.say(RITA, "My VPN keeps dropping every few minutes", with_buttons=True)
    assert {"VPN keeps disconnecting", "None of these — create a ticket", "Cancel"} <= set(
        buttons(asked)
    )
    opened = await desk.press(RITA, asked, "VPN keeps disconnecting", contains="TCP")
    # the one confident article did not help: nothing else to offer, so straight to the intake
    category = await desk.press(RITA, opened, "Not helpful", contains="What is it about?")
    assert "VPN keeps disconnecting" not in buttons(category)
    impact = await desk.press(RITA, category, "Network", with_buttons=True)
    urgency = await desk.press(RITA, impact, "My team", with_buttons=True)
    await desk.press(RITA, urgency, "I cannot work", contains="press Done")

    before = len(desk.chat(RITA))
    await fake.user_sends_photo(
        RITA, b"\x89PNG\r\n\x1a\n fake screenshot", caption="Office Wi-Fi, 3rd floor"
    )
    await desk.next_message(RITA, after=before)
    summary = await desk.press(
        RITA, last_with_button(desk.chat(RITA), "Done"), "Done", contains="Files: 1"
    )
    assert "Office Wi-Fi" in summary["plain_text"]
    created = await desk.press(RITA, summary, "Create", contains="#1001")
    assert "ticket #1001" in created["plain_text"]

    card = await desk.next_message(room, after=0, contains="#1001")
    assert card["plain_text"].startswith("#1001 · P2 · Network · Rita · ")
    assert {"Claim", "Resolve"} <= set(buttons(card))
    photos = [m for m in desk.chat(room) if m["kind"] == "photo"]
    assert not photos or photos[0]["file_id"], "attachments, when re-sent, go by file id"

    # claim by button: the card is edited in place; a second claim by command is refused
    await fake.user_presses_button(ALICE, card, buttons(card)["Claim"])
    await fake.wait_for(
        lambda: "Alice" in desk.chat(room)[0]["plain_text"] and desk.chat(room)[0]["edited"]
    )
    assert fake.callback_answers and "You took ticket #1001." in fake.callback_answers[-1].get(
        "text", ""
    )
    refused = await desk.say(BOB, "/claim 1001", chat=room, contains="already claimed")
    assert refused["plain_text"] == "Ticket #1001 is already claimed by Alice."
    await desk.next_message(RITA, after=0, contains="Alice is now working on your ticket")

    # the agent answers with a plain Telegram reply to the card: the employee receives it
    before = len(desk.chat(RITA))
    await fake.user_sends_text(
        ALICE, "Please restart the router", chat=room, reply_to_message_id=card["message_id"]
    )
    relayed = await desk.next_message(RITA, after=before, contains="Please restart the router")
    assert "Alice" in relayed["plain_text"]

    # the agent resolves; the employee rates 5 and comments
    before = len(desk.chat(RITA))
    await fake.user_sends_text(ALICE, "/resolve 1001 Updated the access point firmware", chat=room)
    prompt = await desk.next_message(RITA, after=before, contains="resolved")
    assert "Updated the access point firmware" in prompt["plain_text"]
    comment_prompt = await desk.press(RITA, prompt, "★★★★★", contains="comment")
    assert comment_prompt
    await desk.say(RITA, "Quick and friendly, thanks!")

    async def rated() -> bool:
        async with db.uow() as uow:
            ticket = await uow.tickets.get(1001)
            return ticket is not None and ticket.rating_comment is not None

    await eventually(rated)
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        assert (ticket.rating_score, ticket.rating_comment) == (5, "Quick and friendly, thanks!")
        assert ticket.status is TicketStatus.CLOSED
        assert len(await uow.history.attachments(ticket.id)) == 1
        actions = [a.action for a in await uow.history.audit(ticket.id)]
    assert actions == [
        "opened",
        "claimed",
        "status_changed",
        "replied",
        "status_changed",
        "resolution_set",
        "status_changed",
        "rated",
        "status_changed",
        "rating_commented",
    ]
    await fake.wait_for(lambda: "closed" in desk.chat(room)[0]["plain_text"])
    assert not buttons(desk.chat(room)[0]), "the closed card has no buttons left"
