"""What the Slack channel's health says about each failed ``auth.test``, and that a delivered
message does not hide a Socket Mode connection that is down."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bots.slack.health import SlackHealth, explain
from core.supervision import HealthRegistry


def _refusal(error: str, status: int = 200) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/auth.test",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=status,
    )
    return SlackApiError("refused", response)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    "error", ["invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"]
)
def test_a_refused_token_says_which_setting_to_fix(error: str) -> None:
    said = explain(_refusal(error))
    assert error in said and "CHATDESK_SLACK_BOT_TOKEN" in said


def test_a_rate_limit_and_slacks_own_failure_are_named() -> None:
    assert explain(_refusal("ratelimited", 429)) == "rate limited by Slack (ratelimited)"
    assert explain(_refusal("fatal_error", 503)) == "Slack answered fatal_error (HTTP 503)"


class _Answering:
    """An ``auth.test`` that answers."""

    async def auth_test(self) -> dict[str, Any]:
        return {"ok": True, "team_id": "T1", "user_id": "U1"}


async def test_a_delivered_message_does_not_hide_a_socket_that_is_down() -> None:
    registry = HealthRegistry()
    connected = False

    async def socket_connected() -> bool:
        return connected

    client: AsyncWebClient = _Answering()  # type: ignore[assignment]
    health = SlackHealth(
        registry.probe("slack", kind="channel"),
        client,
        mode="Socket Mode",
        socket_connected=socket_connected,
    )

    def status() -> str:
        return registry.report(down_after=timedelta(hours=1)).components[0].status

    await health.check()
    assert status() == "degraded"
    health.sent()
    assert status() == "degraded", "the Web API works, the socket still does not"
    connected = True
    await health.check()
    assert status() == "ok"
    health.send_failed("Slack unreachable: ServerDisconnectedError")
    assert status() == "degraded"
    health.sent()
    assert status() == "ok"
