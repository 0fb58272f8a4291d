"""App Home: opening the app's Home tab publishes the person's overview (``views.publish``):
their open tickets; for an agent also the unassigned queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.domain.enums import Role
from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, open_ticket_by_dm, slack_id
from tests.support.desk import make_groups, make_person


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    running = await SlackDesk(db, slack).start()
    yield running
    await running.stop()


def _text(view: dict[str, Any] | None) -> str:
    if view is None:
        return ""
    parts = []
    for block in view.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements") or []]
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
