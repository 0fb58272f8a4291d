"""Canned replies reach Slack from the same declarations as Telegram's: ``/desk canned`` lists
them (ephemerally, in the triage channel), ``/desk canned NAME N`` sends one, and the card's
"Canned…" button offers them as buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.domain.enums import Role
from core.services import canned_replies
from core.services.context import operator
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, buttons, click, open_ticket_by_dm, slack_id
from tests.support.desk import make_groups, make_person


@pytest.fixture
async def people(slack: FakeSlackServer) -> dict[str, SlackUser]:
    return {
        "rita": slack.add_user("rita", real_name="Rita Requester"),
        "alice": slack.add_user("alice", real_name="Alice Agent"),
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
    async with db.uow() as uow:
        for name, body in (
            ("thanks", "You are welcome, {requester.first_name}! {agent.first_name}"),
            ("vpn-reset", "#{ticket.number}: please sign out of the VPN."),
        ):
            await canned_replies.save(uow, actor=operator(), name=name, body=body)
        await uow.commit()
    running = await SlackDesk(db, slack).start()
    running.triage.members |= {alice.id}
    yield running
    await running.stop()


async def test_canned_replies_by_command_and_by_the_cards_button(
    desk: SlackDesk, slack: FakeSlackServer, people: dict[str, SlackUser]
) -> None:
    rita, alice, triage = people["rita"], people["alice"], desk.triage
    created = await open_ticket_by_dm(desk, rita, "My VPN keeps dropping every few minutes")
    assert "#1001" in created["seen"]
    card = await slack.wait_for(lambda: next(iter(desk.cards()), None))
    assert "Canned…" in buttons(card)

    await slack.user_runs_command(alice, "canned", channel=triage)
    listed = await slack.wait_for(
        lambda: [e for e in slack.ephemerals_for(alice) if "Canned replies" in e["seen"]]
    )
    assert "vpn-reset" in listed[0]["seen"] and "thanks" in listed[0]["seen"]

    before = desk.snapshot(rita)
    await slack.user_runs_command(alice, "canned thanks 1001", channel=triage)
    welcome = await desk.next_dm(rita, seen_before=before, contains="You are welcome, Rita!")
    assert "Alice" in welcome["seen"]

    await click(slack, alice, card, "Canned…")
    choices = await slack.wait_for(
        lambda: next((m for m in desk.cards() if "vpn-reset" in buttons(m)), None)
    )
    before = desk.snapshot(rita)
    await click(slack, alice, choices, "vpn-reset")
    await desk.next_dm(rita, seen_before=before, contains="#1001: please sign out of the VPN.")
