"""App Home: opening the app's Home tab publishes the person's overview (``views.publish``):
their open tickets; for an agent also the unassigned queue. Its "New request" button opens the
new-request modal."""

from __future__ import annotations

from typing import Any

from core.domain.enums import Role
from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, choice, open_ticket_by_dm, slack_id
from tests.support.desk import make_person


def _text(view: dict[str, Any] | None) -> str:
    if view is None:
        return ""
    parts = []
    for block in view.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements") or []:
            text = element.get("text", "")  # a button's label is a text object
            parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)


async def test_app_home_shows_the_employees_tickets_and_the_agents_queue(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    alice = slack.add_user("alice", real_name="Alice Agent")
    await make_person(
        db, "Alice Agent", role=Role.AGENT, channel="slack", external_id=slack_id(alice)
    )
    stranger = slack.add_user("sam", real_name="Sam New")

    await slack.user_opens_home(stranger)
    home = await slack.wait_for(lambda: _text(slack.home_of(stranger)), timeout=15)
    assert "Your open tickets" in home and "None." in home

    await open_ticket_by_dm(desk, rita, "My VPN keeps dropping every few minutes")
    await slack.user_opens_home(rita)
    home = await slack.wait_for(lambda: _text(slack.home_of(rita)), timeout=15)
    assert "#1001" in home and "Unassigned tickets" not in home

    await slack.user_opens_home(alice)
    home = await slack.wait_for(lambda: _text(slack.home_of(alice)), timeout=15)
    assert "Unassigned tickets" in home and "#1001" in home


async def test_the_new_request_button_on_app_home_opens_the_modal(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    await slack.user_opens_home(rita)
    home = await slack.wait_for(lambda: slack.home_of(rita), timeout=15)
    await slack.user_clicks(rita, home, "chatdesk_new_request")
    modal = await slack.wait_for(lambda: slack.modal_of(rita), timeout=15)
    assert modal["title"]["text"] == "New request"
    assert "initial_value" not in modal["blocks"][0]["element"], "nothing to prefill from"

    before = desk.snapshot(rita)
    await slack.user_submits(
        rita,
        {
            "summary": "Need a second monitor",
            "impact": choice(modal, "impact", "Just me"),
            "urgency": choice(modal, "urgency", "It can wait"),
        },
    )
    # the answer comes in the app's DM, opened on submission
    confirmed = await desk.next_dm(rita, seen_before=before, contains="ticket #1001")
    assert "priority" in confirmed["seen"]
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
    assert ticket is not None and ticket.title == "Need a second monitor"
    assert ticket.conversation_ref == slack.dm_with(rita).id
