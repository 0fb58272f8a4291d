"""The whole story through the engine: ask, suggestions, intake, ticket, agents, rating."""

from __future__ import annotations

from core.domain.enums import TicketStatus
from core.ports import AgentRoom
from storage.unit_of_work import Database
from tests.integration.intake.harness import ROOM, Desk, articles, buttons
from tests.support.desk import make_groups


async def test_the_whole_story(db: Database, channel: str) -> None:
    await make_groups(db)
    desk = await Desk(db, rooms=(AgentRoom(channel, ROOM),), channel=channel).start(articles())
    alice = await desk.agent("Alice", "11", username="alice")
    bob = await desk.agent("Bob", "12", username="bob")
    rita = desk.user("Rita", "501")

    hello = await rita.command("/start")
    assert "Hello, Rita!" in hello.texts()[0]

    # ask → one confident suggestion → open it → not helpful → nothing else to offer → intake
    asked = await rita.says("My VPN keeps dropping every few minutes")
    options = buttons(asked)
    assert "VPN keeps disconnecting" in options and "Cancel" in options
    opened = await rita.press(options["VPN keeps disconnecting"])
    assert opened.replies[0].reply.markdown and "TCP" in opened.texts()[0]
    answer = buttons(opened)
    category = await rita.press(answer["Not helpful"])
    assert "VPN keeps disconnecting" not in buttons(category)
    assert "What is it about?" in category.texts()[0]
    impact = await rita.press(buttons(category)["Network"])
    urgency = await rita.press(buttons(impact)["My team"])
    details = await rita.press(buttons(urgency)["I cannot work"])
    assert "press Done" in details.texts()[0]
    await rita.says("Office Wi-Fi, 3rd floor")
    await rita.sends_file("screenshot.png")
    summary = await rita.press("done")
    assert "Files: 1" in summary.texts()[0] and "Office Wi-Fi" in summary.texts()[0]
    created = await rita.press(buttons(summary)["Create"])
    assert "ticket #1001" in created.texts()[0]
    assert sum("#1001" in t for t in rita.inbox()) == 1, "one confirmation, not two"

    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        assert ticket.title == "My VPN keeps dropping every few minutes"
        assert "Office Wi-Fi" in ticket.description
        assert "did not help: VPN keeps disconnecting" in ticket.description
        assert ticket.priority.value == "P2" and ticket.conversation_ref == rita.chat_ref
        assert len(await uow.history.attachments(ticket.id)) == 1

    # the card in the agents' room, and under it the file the request came with
    card, files = desk.sender.to(ROOM)
    assert (files.text, files.reply_to) == ("Files attached to ticket #1001:", card.ref)
    assert [a.name for a in files.reply.attachments] == ["screenshot.png"]
    cards = [card]
    assert cards[0].text.split("\n") == [
        "#1001 · P2 · Network · Rita · just now",
        "My VPN keeps dropping every few minutes",
        "Office Wi-Fi, 3rd floor",
        "Tried: VPN keeps disconnecting",
        "Attachments: 1",
        "Status: new · unassigned",
    ], "number, priority, category, requester, age; summary; articles tried; files"
    card_ref = cards[0].ref

    # claim by button, then by /claim: refused
    claimed = await alice.press("claim:1001", private=False, message_ref=card_ref)
    assert claimed.toast == "You took ticket #1001."
    assert desk.sender.to(ROOM)[-1].edited == card_ref and "Alice" in desk.sender.to(ROOM)[-1].text
    refused = await bob.command("/claim 1001", private=False)
    assert refused.texts() == ["Ticket #1001 is already claimed by Alice."]
    assert any("Alice is now working on your ticket" in t for t in rita.inbox())

    # the agent replies to the card: the requester receives it
    await alice.desk.send(
        alice.event("text", private=False, text="Please restart the router", reply_to_ref=card_ref)
    )
    assert "Please restart the router" in rita.inbox()[-1]

    # the requester answers: the only active ticket gets it, relayed to the room under the card
    follow = await rita.says("Done, still dropping")
    assert "Added to your ticket #1001" in follow.texts()[0]
    relay = desk.sender.to(ROOM)[-1]
    assert "Done, still dropping" in relay.text and relay.reply_to == card_ref

    # an agent replies to the relayed message, then resolves
    await alice.desk.send(
        alice.event("text", private=False, text="Firmware updated", reply_to_ref=relay.ref)
    )
    assert "Firmware updated" in rita.inbox()[-1]
    await alice.command("/resolve 1001 Updated the access point firmware", private=False)
    prompt = desk.sender.to(rita.chat_ref)[-1]
    rate = {b.label: b.action for row in prompt.reply.buttons for b in row}
    rated = await rita.press(rate["★★★★★"], message_ref=prompt.ref)
    assert "Would you like to add a comment?" in rated.texts()[-1]
    again = await rita.press(rate["★★★★★"], message_ref=prompt.ref)
    assert again.toast and not again.replies
    await rita.says("Quick and friendly, thanks!")

    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        assert ticket.rating_score == 5 and ticket.rating_comment == "Quick and friendly, thanks!"
        assert ticket.status is TicketStatus.CLOSED
        actions = [a.action for a in await uow.history.audit(ticket.id)]
    assert actions == [
        "opened",
        "claimed",
        "status_changed",
        "replied",
        "status_changed",
        "replied",
        "replied",
        "resolution_set",
        "status_changed",
        "rated",
        "status_changed",
        "rating_commented",
    ]
    view = await alice.command("/ticket 1001", private=False)
    assert "Rating: ★★★★★" in view.texts()[0]
    edits = [d for d in desk.sender.to(ROOM) if d.edited == card_ref]
    assert "closed" in edits[-1].text and not edits[-1].reply.buttons, "the card follows the ticket"
