"""Canned replies from Telegram: ``/canned`` lists them, ``/canned NAME N`` sends one with its
macros filled in, the card's "Canned…" button does the same in two presses; an employee typing
the command is refused, and a bad name or a missing number gets a clear answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.domain.enums import Role
from core.services import canned_replies, tickets
from core.services.context import Actor, operator
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons
from tests.support.desk import make_groups, make_person

RITA = TgUser(id=501, first_name="Rita", language_code="en")
ALICE = TgUser(id=11, first_name="Alice", username="alice")
VPN_RESET = "Hi {requester.first_name}, about #{ticket.number}: please sign out of the VPN. {{ok}}"


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    await make_groups(db)
    await make_person(db, "Alice Agent", role=Role.AGENT, external_id="11", username="alice")
    async with db.uow() as uow:
        await canned_replies.save(uow, actor=operator(), name="vpn-reset", body=VPN_RESET)
        await canned_replies.save(
            uow,
            actor=operator(),
            name="thanks",
            body="You are welcome, {requester.name}! {agent.first_name}",
        )
        await uow.commit()
    running = await TelegramDesk(db, fake).start(with_articles=False)
    yield running
    await running.stop()


async def _ticket_from_rita(desk: TelegramDesk, db: Database) -> int:
    await desk.say(RITA, "/start", contains="Hello")
    rita = await make_person(db, "Rita", external_id=str(RITA.id))
    async with db.uow() as uow:
        ticket = await tickets.open_ticket(
            uow,
            actor=Actor(rita.person, "telegram"),
            request=tickets.NewTicket(
                title="VPN drops",
                description="Every ten minutes",
                conversation_ref=str(RITA.id),
            ),
        )
        await uow.commit()
    return ticket.number


async def test_an_agent_sends_a_canned_reply_by_command_and_by_the_card_button(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    number = await _ticket_from_rita(desk, db)
    room = desk.room
    card = await desk.next_message(room, after=0, contains=f"#{number}", with_buttons=True)
    assert "Canned…" in buttons(card)

    listed = await desk.say(ALICE, "/canned", chat=room, contains="Canned replies")
    assert "thanks — You are welcome, {requester.name}!" in listed["plain_text"]
    assert "vpn-reset — Hi {requester.first_name}" in listed["plain_text"]

    before = len(desk.chat(RITA))
    done = await desk.say(ALICE, f"/canned vpn-reset {number}", chat=room, contains="Sent")
    assert done["plain_text"] == (
        f"Sent the canned reply “vpn-reset” to the requester of ticket #{number}."
    )
    received = await desk.next_message(RITA, after=before, contains="sign out of the VPN")
    assert (
        f"Hi Rita, about #{number}: please sign out of the VPN. {{ok}}" in (received["plain_text"])
    )
    assert "Alice Agent" in received["plain_text"]

    # the card's button: the replies as buttons, then the one chosen is sent
    choices = await desk.press(ALICE, card, "Canned…", chat=room, with_buttons=True)
    assert set(buttons(choices)) == {"thanks", "vpn-reset"}
    before = len(desk.chat(RITA))
    await fake.user_presses_button(ALICE, choices, buttons(choices)["thanks"])
    await desk.next_message(RITA, after=before, contains="You are welcome, Rita! Alice")
    edited = next(m for m in desk.chat(room) if m["message_id"] == choices["message_id"])
    assert edited["plain_text"] == (
        f"Sent the canned reply “thanks” to the requester of ticket #{number}."
    )
    assert not buttons(edited), "the list of replies is replaced by what was done"

    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.id is not None
        public = [m.body for m in await uow.history.messages(ticket.id)]
    assert public == [
        f"Hi Rita, about #{number}: please sign out of the VPN. {{ok}}",
        "You are welcome, Rita! Alice",
    ]


async def test_bad_canned_commands_get_clear_answers(desk: TelegramDesk, db: Database) -> None:
    number = await _ticket_from_rita(desk, db)
    room = desk.room
    missing = await desk.say(ALICE, "/canned vpn-reset", chat=room, contains="Usage")
    assert "canned [name] [N]" in missing["plain_text"]
    unknown = await desk.say(ALICE, f"/canned nope {number}", chat=room, contains="canned")
    assert unknown["plain_text"] == "There is no canned reply 'nope'."
    no_ticket = await desk.say(ALICE, "/canned thanks 4242", chat=room, contains="ticket")
    assert no_ticket["plain_text"] == "There is no ticket #4242."
    refused = await desk.say(RITA, f"/canned thanks {number}", contains="support team")
    assert refused["plain_text"] == "Sorry, this is only for the support team."
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.id is not None
        assert await uow.history.messages(ticket.id) == [], "nothing was sent"
