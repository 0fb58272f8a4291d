"""Socket Mode: with an app token the app opens a WebSocket to the fake Slack (the URL that
``apps.connections.open`` on the configured Web API hands out) and takes requests over it,
acknowledging each envelope (a modal's field errors travel in the ack); no request URL is
involved."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, buttons, choice, open_modal, submit_request


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer) -> AsyncIterator[SlackDesk]:
    running = await SlackDesk(db, slack, slack_app_token=slack.app_token).start()
    slack.request_url = None  # only the socket can reach the app
    yield running
    await running.stop()


async def test_socket_mode_carries_a_message_and_a_button_press(
    desk: SlackDesk, slack: FakeSlackServer
) -> None:
    await slack.wait_for(lambda: slack.socket.connections, timeout=30)
    assert slack.requests_for("apps.connections.open")
    rita = slack.add_user("rita", real_name="Rita Requester")

    before = desk.snapshot(rita)
    posted = await slack.user_dms(rita, "My VPN keeps dropping every few minutes")
    assert [(d.via, d.acked) for d in posted.deliveries] == [("socket", True)]
    asked = await desk.next_dm(rita, seen_before=before, with_buttons=True)
    assert "VPN keeps disconnecting" in buttons(asked)

    # the modal opens over the socket's button press, and its submission comes back over it:
    # a problem as field errors in the ack's payload, a good form as a ticket
    modal = await open_modal(slack, rita, asked, "None of these — create a ticket")
    assert slack.deliveries[-1].via == "socket" and slack.deliveries[-1].acked
    wrong = await slack.user_submits(rita, {"impact": choice(modal, "impact", "Just me")})
    assert wrong.via == "socket" and wrong.json()["response_action"] == "errors"
    created = await submit_request(desk, rita, modal)
    assert "ticket #1001" in created["seen"]
