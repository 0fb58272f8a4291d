"""The whole story over Slack: real slack-bolt behind the admin app's /slack/events, signed
requests from a fake Slack, replies through the outbox to the fake's Web API.

employee DMs → Block Kit suggestions → none helped → the new-request modal, prefilled (a
missing choice comes back as a field error) → ticket → card in the triage channel → claim by
button (card edited in place) → /desk claim by a non-agent refused ephemerally → agent's thread
reply reaches the employee, a ``note:`` does not → the employee's answer appears in the card's
thread → resolve → rating 5, then a comment in the rating modal → closed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.domain.enums import Role, TicketStatus
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import (
    SlackDesk,
    buttons,
    choice,
    click,
    open_modal,
    slack_id,
)
from tests.integration.telegram.desk import eventually
from tests.support.desk import make_groups, make_person


@pytest.fixture
async def people(slack: FakeSlackServer) -> dict[str, SlackUser]:
    return {
        "rita": slack.add_user("rita", real_name="Rita Requester", email="rita@example.com"),
        "alice": slack.add_user("alice", real_name="Alice Agent"),
        "eve": slack.add_user("eve", real_name="Eve Employee"),
    }


@pytest.fixture
async def desk(
    db: Database, slack: FakeSlackServer, people: dict[str, SlackUser]
) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    alice = people["alice"]
    await make_person(
        db, "Alice Agent", role=Role.AGENT, channel="slack", external_id=slack_id(alice)
    )
    running = await SlackDesk(db, slack).start()
    running.triage.members |= {alice.id, people["eve"].id}
    yield running
    await running.stop()


async def test_the_whole_story_over_slack(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, people: dict[str, SlackUser]
) -> None:
    rita, alice, eve = people["rita"], people["alice"], people["eve"]
    triage = desk.triage

    asked = await desk.say(
        rita, "My VPN keeps dropping every few minutes\nSince Monday, at home", with_buttons=True
    )
    assert {"VPN keeps disconnecting", "None of these — create a ticket"} <= set(buttons(asked))
    # none helped: the new-request modal opens, prefilled from the conversation
    modal = await open_modal(slack, rita, asked, "None of these — create a ticket")
    fields = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert fields["summary"]["initial_value"] == "My VPN keeps dropping every few minutes"
    assert fields["details"]["initial_value"] == "Since Monday, at home"
    assert {"impact", "urgency", "category"} <= set(fields)

    # a choice left out comes back as an error on its field; nothing is written
    missing = await slack.user_submits(rita, {"impact": choice(modal, "impact", "My team")})
    assert missing.json() == {
        "response_action": "errors",
        "errors": {"urgency": "Please choose how urgent it is."},
    }
    assert slack.modal_of(rita) is not None, "the modal stays open to be corrected"
    before = desk.snapshot(rita)
    await slack.user_submits(
        rita,
        {
            "impact": choice(modal, "impact", "My team"),
            "urgency": choice(modal, "urgency", "I cannot work"),
            "category": choice(modal, "category", "Network"),
        },
    )
    assert slack.modal_of(rita) is None
    created = await desk.next_dm(rita, seen_before=before, contains="#1001")
    assert "ticket #1001" in created["seen"]

    card = await slack.wait_for(lambda: next(iter(desk.cards()), None))
    assert "#1001" in card["seen"] and "Rita Requester · just now" in card["seen"]
    assert {"Claim", "Resolve"} <= set(buttons(card))

    # claim by button: the card is updated in place (chat.update), no second card
    await click(slack, alice, card, "Claim")
    await slack.wait_for(lambda: "Alice Agent" in slack.message(triage.id, card["ts"])["seen"])
    assert len(desk.cards()) == 1 and slack.requests_for("chat.update")
    await desk.next_dm(rita, seen_before=set(), contains="Alice Agent is now working")

    # a non-agent typing an agents' command is refused, and only they see it
    await slack.user_runs_command(eve, "claim 1001", channel=triage)
    refusal = await slack.wait_for(lambda: slack.ephemerals_for(eve))
    assert "only for the support team" in refusal[0]["seen"]
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.status is TicketStatus.ASSIGNED, "unchanged"

    # the card's thread is the conversation
    before = desk.snapshot(rita)
    await slack.user_posts(alice, triage, "note: checked the gateway logs", thread_ts=card["ts"])
    await slack.user_posts(alice, triage, "Please restart the router", thread_ts=card["ts"])
    relayed = await desk.next_dm(rita, seen_before=before, contains="Please restart the router")
    assert "Alice Agent" in relayed["seen"]
    assert not any("gateway logs" in m["seen"] for m in desk.dm(rita))

    await slack.user_dms(rita, "Restarted it, still drops")
    await slack.wait_for(
        lambda: any(
            "Restarted it, still drops" in m["seen"] and m.get("bot_id")
            for m in slack.thread(triage.id, card["ts"])
        )
    )

    # resolve by command in the triage channel (answered ephemerally), then rating and comment
    before = desk.snapshot(rita)
    await slack.user_runs_command(alice, "resolve 1001 Updated the VPN profile", channel=triage)
    prompt = await desk.next_dm(rita, seen_before=before, contains="resolved", with_buttons=True)
    assert "Updated the VPN profile" in prompt["seen"]
    assert "Not solved — reopen" in buttons(prompt)
    # the rating opens the comment modal; the rating itself is taken at once
    rating = await open_modal(slack, rita, prompt, "★★★★★")
    assert "You rated ticket #1001: ★★★★★" in str(rating["blocks"])
    await desk.next_dm(rita, seen_before=before, contains="You rated ticket #1001")
    before = desk.snapshot(rita)
    await slack.user_submits(rita, {"comment": "Quick <!channel> and friendly, thanks!"})
    await desk.next_dm(rita, seen_before=before, contains="Thank you for your feedback!")
    assert not any("Just write it here" in m["seen"] for m in desk.dm(rita)), "asked once"

    async def rated() -> bool:
        async with db.uow() as uow:
            found = await uow.tickets.get(1001)
            return found is not None and found.rating_comment is not None

    await eventually(rated, seconds=15)
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        assert (ticket.rating_score, ticket.rating_comment) == (
            5,
            "Quick <!channel> and friendly, thanks!",
        )
        assert ticket.status is TicketStatus.CLOSED
        messages = await uow.history.messages(ticket.id)
        actions = [a.action for a in await uow.history.audit(ticket.id)]
    assert any(
        m.body == "checked the gateway logs" and m.kind.value == "internal" for m in messages
    )
    assert actions[0] == "opened" and "claimed" in actions and "replied" in actions
    assert actions[-2:] == ["status_changed", "rating_commented"] and "rated" in actions
    await slack.wait_for(lambda: "closed" in slack.message(triage.id, card["ts"])["seen"])
    assert not buttons(slack.message(triage.id, card["ts"]))
