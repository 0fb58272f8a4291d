"""A 🎫 reaction on a message in a channel the app is in turns the message into a ticket: its
author is the requester, the ticket keeps the permalink, the app confirms in the message's
thread, and the card appears in the triage channel. A second 🎫 makes no second ticket. The
message shortcut "Create ticket" takes the same path."""

from __future__ import annotations

import pytest

from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackChannel, SlackUser
from tests.fakes.slack_people import Posted
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk
from tests.integration.telegram.desk import eventually

People = tuple[SlackUser, SlackUser, SlackChannel]


@pytest.fixture
def people(slack: FakeSlackServer) -> People:
    """Pat, who writes in #office-3, and Kim, a colleague there."""
    pat = slack.add_user("pat", real_name="Pat Printer")
    kim = slack.add_user("kim", real_name="Kim Colleague")
    return pat, kim, slack.add_channel("office-3", members=(pat, kim))


async def confirmed_in_thread(slack: FakeSlackServer, posted: Posted, text: str) -> None:
    def app_replies() -> list[dict[str, object]]:
        return [m for m in slack.thread(posted.channel.id, posted.ts) if m.get("bot_id")]

    confirmed = await slack.wait_for(app_replies, timeout=15)
    assert text in str(confirmed[0]["seen"])


async def test_a_ticket_reaction_makes_the_message_a_ticket_once(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, people: People
) -> None:
    pat, kim, office = people
    posted = await slack.user_posts(pat, office, "The printer on 3 is jammed again")
    await slack.user_reacts(kim, office, posted.ts, "ticket")

    await confirmed_in_thread(slack, posted, "#1001")
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


async def test_the_create_ticket_shortcut_takes_the_reaction_path(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, people: People
) -> None:
    pat, kim, office = people
    posted = await slack.user_posts(pat, office, "The projector in room 5 flickers")
    await slack.user_uses_message_shortcut(kim, office, posted.ts, "create_ticket")

    await confirmed_in_thread(slack, posted, "#1001")
    told = await slack.wait_for(lambda: slack.responses, timeout=15)
    assert told[0]["user"] == kim.id and told[0]["response_type"] == "ephemeral"
    assert "Ticket #1001 was created from this message" in told[0]["text"]
    async with db.uow() as uow:
        [ticket] = await uow.tickets.search(limit=10)
        requester = await uow.people.get(ticket.requester_id)
    assert requester is not None and requester.display_name == "Pat Printer"
    assert "/archives/" + office.id in ticket.description, "the ticket keeps the permalink"

    # the same message again, and a message in a DM: one ticket, and the person is told why
    await slack.user_uses_message_shortcut(pat, office, posted.ts, "create_ticket")
    dm = slack.dm_with(kim)
    said = await slack.user_posts(kim, dm, "a note to self")
    await slack.user_uses_message_shortcut(kim, dm, said.ts, "create_ticket")
    await slack.wait_for(lambda: len(slack.responses) == 3)
    answers = {r["user"]: r["text"] for r in slack.responses[1:]}
    assert "already created" in answers[pat.id]
    assert "Only a person's message in a channel" in answers[kim.id]
    async with db.uow() as uow:
        assert len(await uow.tickets.search(limit=10)) == 1
