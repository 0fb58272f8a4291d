"""Agents in their room: card buttons, commands, and what the card shows afterwards."""

from __future__ import annotations

from core.domain.enums import Priority
from core.ports import AgentRoom
from storage.kb_read_models import phrasing_candidates
from storage.unit_of_work import Database
from tests.integration.intake.harness import ROOM, Desk, articles, buttons
from tests.support.desk import make_groups


async def test_card_buttons_and_commands(db: Database, channel: str) -> None:
    await make_groups(db)
    desk = await Desk(db, rooms=(AgentRoom(channel, ROOM),), channel=channel).start(articles())
    alice = await desk.agent("Alice", "11", username="alice")
    await desk.agent("Bob", "12", username="bob")
    rita = desk.user("Rita", "501")
    asked = await rita.command("/new Keyboard is missing keys")
    impact = await rita.press(buttons(asked)["Network"])
    urgency = await rita.press(buttons(impact)["Just me"])
    await rita.press(buttons(urgency)["It can wait"])
    await rita.press(buttons(await rita.press("done"))["Create"])
    card = desk.sender.to(ROOM)[0]
    assert "#1001 · P4 · Network" in card.text

    queue = await alice.command("/queue", private=False)
    assert "#1001" in queue.texts()[0]
    chooser = await alice.press("prio:1001", private=False, message_ref=card.ref)
    picked = await alice.press(buttons(chooser)["P2"], private=False, message_ref="777")
    assert picked.replies[0].edit_ref == "777" and "P2" in picked.texts()[0]
    assert (
        "#1001 · P2" in desk.sender.to(ROOM)[-2].text
        or "#1001 · P2" in desk.sender.to(ROOM)[-1].text
    )

    agents = await alice.press("assign:1001", private=False, message_ref=card.ref)
    assigned = await alice.press(buttons(agents)["Bob"], private=False, message_ref="778")
    assert assigned.texts() == ["Ticket #1001 is assigned to Bob."]
    edits = [d for d in desk.sender.to(ROOM) if d.edited == card.ref]
    assert "Bob" in edits[-1].text and "Claim" not in {
        b.label for r in edits[-1].reply.buttons for b in r
    }

    await alice.command("/note 1001 check the USB hub", private=False)
    view = await alice.command("/ticket 1001", private=False)
    assert "check the USB hub" in view.texts()[0] and "internal note" in view.texts()[0]
    own = await rita.command("/ticket 1001")
    assert "check the USB hub" not in own.texts()[0]
    assert (await alice.command("/mine", private=False)).texts() == ["You have no active tickets."]
    assert "VPN" in (await alice.command("/kb vpn keeps dropping", private=False)).texts()[0]
    sent = await alice.command("/send 1001 printer-offline", private=False)
    assert sent.texts() == ["Sent “Printer shows offline” to the requester of ticket #1001."]
    assert "Printer shows offline\n\nTurn the printer off and on." in rita.inbox()[-1]
    async with db.uow() as uow:
        (row,) = await phrasing_candidates(uow)
    assert (row.candidate.article_id, row.candidate.sample, row.candidate.people) == (
        "printer-offline",
        "Keyboard is missing keys",
        1,
    )
    unknown = await alice.command("/send 1001 no-such-article", private=False)
    assert unknown.texts() == ["There is no article 'no-such-article'."]
    bad = await alice.command("/claim abc", private=False)
    assert bad.texts() == [f"Usage: {desk.hint('claim N')}"]
    missing = await alice.command("/claim 4242", private=False)
    assert missing.texts() == ["There is no ticket #4242."]
    resolved = await alice.press("resolve:1001", private=False, message_ref=card.ref)
    assert resolved.toast == "Ticket #1001 is resolved."
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.priority is Priority.P2
