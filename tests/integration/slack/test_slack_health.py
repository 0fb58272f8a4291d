"""The Slack app on ``/healthz``, with the real slack-bolt app over HTTP (and Socket Mode)
against the fake Slack: ok while the Web API answers the bot token, degraded with the error
when it does not, 503 "down" once that has lasted ``CHATDESK_HEALTH_CHANNEL_DOWN_AFTER``, and
ok again when Slack is back. The outbox's sends count as evidence too."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bots.slack.channel import EVENTS_PATH
from storage.unit_of_work import Database
from tests.fakes.slack_objects import BOT_USER_ID, TEAM_ID
from tests.fakes.slack_server import DISCONNECT, FakeSlackServer
from tests.integration.slack.desk import SlackDesk
from tests.support.clock import FakeClock
from tests.support.desk import make_groups

Answer = tuple[int, dict[str, Any]]
QUICK_CHECKS_S = 0.1  # the health check's interval in these tests (30 s in production)
DOWN_AFTER_S = 2.0


class Healthz:
    """``GET /healthz`` on the desk's admin app."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def get(self) -> Answer:
        answer = await self.http.get("/healthz")
        return answer.status_code, answer.json()

    async def until(
        self, holds: Callable[[int, dict[str, Any]], bool], seconds: float = 15
    ) -> Answer:
        """The first answer for which ``holds(code, body)``."""
        last: Answer | None = None
        try:
            async with asyncio.timeout(seconds):
                while True:
                    last = await self.get()
                    if holds(*last):
                        return last
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"/healthz never showed that; last: {last}") from None


def slack_is(status: str) -> Callable[[int, dict[str, Any]], bool]:
    return lambda _code, body: body["channels"].get("slack", {}).get("status") == status


async def _started(db: Database, slack: FakeSlackServer, **options: Any) -> SlackDesk:
    await make_groups(db)
    return await SlackDesk(db, slack, health_channel_down_after=DOWN_AFTER_S, **options).start()


@contextlib.asynccontextmanager
async def asking(desk: SlackDesk) -> AsyncIterator[Healthz]:
    """``/healthz`` of a started desk, which is stopped at the end."""
    try:
        transport = httpx.ASGITransport(app=desk.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:
            yield Healthz(http)
    finally:
        await desk.stop()


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer) -> SlackDesk:
    return await _started(db, slack, check_every=QUICK_CHECKS_S)


@pytest.fixture
async def healthz(desk: SlackDesk) -> AsyncIterator[Healthz]:
    async with asking(desk) as healthz:
        yield healthz


async def test_healthz_shows_slack_degraded_while_slack_is_down_then_503_then_ok(
    desk: SlackDesk, slack: FakeSlackServer, healthz: Healthz
) -> None:
    code, body = await healthz.until(slack_is("ok"))
    entry = body["channels"]["slack"]
    assert (code, body["status"]) == (200, "ok")
    assert (
        entry["detail"] == f"slack (team {TEAM_ID}, bot {BOT_USER_ID}): HTTP mode on {EVENTS_PATH}"
    )
    assert entry["last_error"] is None and entry["last_ok_at"] and entry["restarts"] == 0

    await slack.go_down()
    code, body = await healthz.until(slack_is("degraded"))
    entry = body["channels"]["slack"]
    assert entry["last_error"].startswith("auth.test: network error")
    assert entry["last_ok_at"] <= entry["since"]

    code, body = await healthz.until(lambda code, _body: code == 503)
    assert (body["status"], body["down"]) == ("down", ["slack"])
    assert body["channels"]["slack"]["status"] == "degraded"

    slack.come_back()
    code, body = await healthz.until(slack_is("ok"))
    assert (code, body["status"], body["down"]) == (200, "ok", [])


async def test_a_refused_bot_token_says_what_to_fix_and_makes_slack_down(
    desk: SlackDesk, slack: FakeSlackServer, healthz: Healthz
) -> None:
    await healthz.until(slack_is("ok"))
    slack.revoked = True  # the app was uninstalled: Slack answers token_revoked

    code, body = await healthz.until(slack_is("degraded"))
    error = body["channels"]["slack"]["last_error"]
    assert "token_revoked" in error and "CHATDESK_SLACK_BOT_TOKEN" in error
    code, body = await healthz.until(lambda code, _body: code == 503)
    assert body["down"] == ["slack"]

    slack.revoked = False  # a new token installed, in effect
    await healthz.until(slack_is("ok"))


async def test_outbox_sends_report_slack_unreachable_and_delivered(
    db: Database, slack: FakeSlackServer, clock: FakeClock
) -> None:
    # No periodic check during the test (the first runs at start): only the sends report.
    desk = await _started(db, slack, check_every=3600)
    async with asking(desk) as healthz:
        await healthz.until(slack_is("ok"))
        rita = slack.add_user("rita", real_name="Rita Requester")
        # twice: slack_sdk tries a dropped connection once more by itself
        slack.fail_next("chat.postMessage", status=DISCONNECT, times=2)
        await slack.user_runs_command(rita, "help")

        code, body = await healthz.until(slack_is("degraded"))
        assert body["channels"]["slack"]["last_error"].startswith("sending: Slack unreachable")
        clock.advance(minutes=5)  # past the outbox's backoff: the answer goes again
        await desk.next_dm(rita, seen_before=set(), contains="/desk")
        await healthz.until(slack_is("ok"))


async def test_socket_mode_shows_the_socket_down_while_the_web_api_works(
    db: Database, slack: FakeSlackServer
) -> None:
    desk = await _started(db, slack, check_every=QUICK_CHECKS_S, slack_app_token=slack.app_token)
    slack.request_url = None  # only the socket can reach the app
    async with asking(desk) as healthz:
        await slack.wait_for(lambda: slack.socket.connections, timeout=30)
        code, body = await healthz.until(slack_is("ok"))
        detail = body["channels"]["slack"]["detail"]
        assert detail == f"slack (team {TEAM_ID}, bot {BOT_USER_ID}): Socket Mode"

        # The socket drops and cannot open again; auth.test still answers.
        await slack.go_down("apps.connections.open")
        code, body = await healthz.until(slack_is("degraded"))
        assert body["channels"]["slack"]["last_error"].startswith("Socket Mode: not connected")

        slack.come_back()  # slack_sdk reconnects by itself
        await slack.wait_for(lambda: slack.socket.connections, timeout=30)
        code, body = await healthz.until(slack_is("ok"), seconds=30)
        assert (code, body["status"]) == (200, "ok")
