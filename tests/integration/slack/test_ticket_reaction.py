"""A 🎫 reaction on a message in a channel the app is in turns the message into a ticket: its
author is the requester, the ticket keeps the permalink, the app confirms in the message's
thread, and the card appears in the triage channel. A second 🎫 makes no second ticket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk
from tests.integration.telegram.desk import eventually
from tests.support.desk import make_groups


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    running = await SlackDesk(db, slack).start()
    yield running
    await running.stop()


async def test_a_ticket_reaction_makes_the_message_a_ticket_once(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    pat = slack.add_user("pat", real_name="Pat Printer")
    kim = slack.add_user("kim", real_name="Kim Colleague")
    office = slack.add_channel("office-3", members=(pat, kim))
    posted = await slack.user_posts(pat, office, "The printer on 3 is jammed again")
    await slack.user_reacts(kim, office, posted.ts, "ticket")

    confirmed = await slack.wait_for(
        lambda: [m for m in slack.thread(office.id, posted.ts) if m.get("bot_id")], timeout=15
    )
    assert "#1001" in str(confirmed[0]["seen"])
    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    assert "Pat Printer" in card["seen"] and "printer on 3 is jammed" in card["seen"]

    await slack.user_reacts(pat, office, posted.ts, "ticket")  # again: nothing new
    await slack.user_reacts(pat, office, posted.ts, "eyes")  # another emoji: not for the desk

    async def one_ticket() -> bool:
        async with db.uow() as uow:
            found = await uow.tickets.search(limit=10)
        return len(found) == 1

    await eventually(one_ticket)
    async with db.uow() as uow:
        [ticket] = await uow.tickets.search(limit=10)
        requester = await uow.people.get(ticket.requester_id)
    assert requester is not None and requester.display_name == "Pat Printer"
    permalink = slack.requests_for("chat.getPermalink")
    assert permalink and "/archives/" + office.id in ticket.description
