"""An agent's Telegram reply to a card is marked with a reaction once the requester has it;
a relay that cannot be delivered is reported in the agents' group, in reply to the agent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.telegram.sender import RELAYED_REACTION
from core.services import tickets
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, eventually
from tests.integration.telegram.staff import ALICE, RITA, outbox_rows, staffed_desk
from tests.support.desk import make_person


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def _card_of_a_new_ticket(desk: TelegramDesk, db: Database) -> dict[str, Any]:
    rita = await make_person(db, "Rita", external_id=str(RITA.id))
    desk.fake.register_chat(RITA)
    async with db.uow() as uow:
        request = tickets.NewTicket(
            title="VPN keeps dropping", description="Every 10 minutes", conversation_ref="501"
        )
        await tickets.open_ticket(uow, actor=rita, request=request)
        await uow.commit()
    desk.worker.kick()
    card = await desk.next_message(desk.room, after=0, contains="#1001")

    async def recorded() -> bool:  # a reply finds its ticket by the card's recorded message id
        return any(row.platform_ref == str(card["message_id"]) for row in await outbox_rows(db))

    await eventually(recorded)
    return card


async def test_a_relayed_reply_is_marked_with_a_reaction(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    card = await _card_of_a_new_ticket(desk, db)
    before = len(desk.chat(RITA))
    reply = await fake.user_sends_text(
        ALICE, "Please restart the router", chat=desk.room, reply_to_message_id=card["message_id"]
    )
    await desk.next_message(RITA, after=before, contains="Please restart the router")
    key = (desk.room.id, reply["message_id"])
    assert await fake.wait_for(lambda: fake.reactions.get(key)) == [RELAYED_REACTION]
    [marked] = fake.requests_for("setMessageReaction")
    assert marked["message_id"] == reply["message_id"]

    # Talk among agents in the room (not a reply to a card) is neither relayed nor marked.
    await fake.user_sends_text(ALICE, "Coffee, anyone?", chat=desk.room)
    await fake.user_sends_text(ALICE, "/help", chat=desk.room)
    await desk.next_message(desk.room, after=1, contains="claim")
    assert list(fake.reactions) == [key]


async def test_a_relay_that_cannot_be_delivered_is_reported_in_the_group(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    card = await _card_of_a_new_ticket(desk, db)
    await fake.wait_for(lambda: desk.chat(RITA))  # the confirmation reached Rita
    fake.user_blocks_bot(RITA)
    in_room = len(desk.chat(desk.room))
    reply = await fake.user_sends_text(
        ALICE, "Please restart the router", chat=desk.room, reply_to_message_id=card["message_id"]
    )
    report = await desk.next_message(desk.room, after=in_room, contains="could not be delivered")
    assert report["plain_text"] == (
        "This reply could not be delivered to the requester of ticket #1001: "
        "Forbidden: bot was blocked by the user"
    )
    assert report["reply_to_message_id"] == reply["message_id"]
    assert not fake.reactions, "nothing delivered, nothing marked"
