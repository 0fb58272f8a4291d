"""The Slack app's entry on ``/healthz`` (the ``slack`` channel).

Working, for Slack, means the Web API answers the bot token. A supervised check asks
``auth.test`` through the app's shared client every :data:`CHECK_EVERY_S` seconds: an answer is
ok; a network error, Slack's own 5xx or a rate limit is degraded; a refused token is degraded
with what the admin has to fix, and since no retry fixes that, the channel turns "down" after
``CHATDESK_HEALTH_CHANNEL_DOWN_AFTER``. In Socket Mode the WebSocket must be connected too.

The outbox's sends are evidence as well (:class:`bots.slack.sender.SlackSender` reports here):
a delivered message is ok, a send that could not reach Slack (or whose token was refused) is
degraded, so an outage shows between two checks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from core.supervision import Probe

log = logging.getLogger(__name__)

CHECK_EVERY_S = 30.0
TOKEN_FIX = (
    "set CHATDESK_SLACK_BOT_TOKEN to the app's Bot User OAuth Token "
    "(xoxb-…, on the app's OAuth & Permissions page) and restart chatdesk"
)
# auth.test's refusals of the token itself: what went wrong, before what to do about it.
REFUSED_TOKEN = {
    "invalid_auth": "the bot token is not valid",
    "not_authed": "no bot token was sent",
    "token_revoked": "the bot token was revoked (the app was uninstalled or the token rotated)",
    "token_expired": "the bot token has expired",
    "account_inactive": "the bot token belongs to a deactivated user or a deleted workspace",
}


def explain(exc: SlackApiError) -> str:
    """A failed ``auth.test`` in one line for ``/healthz``."""
    status = getattr(exc.response, "status_code", 200)
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    error = str(data.get("error") or f"HTTP {status}")
    if error in REFUSED_TOKEN:
        return f"Slack refused the bot token ({error}): {REFUSED_TOKEN[error]}; {TOKEN_FIX}"
    if status == 429 or error == "ratelimited":
        return f"rate limited by Slack ({error})"
    return f"Slack answered {error} (HTTP {status})"


class SlackHealth:
    """Keeps the ``slack`` channel's probe: the periodic check (:meth:`watch`, run by the
    supervisor) and the outbox's evidence (:meth:`sent`, :meth:`send_failed`).

    ``mode`` says how the app hears Slack (shown in the detail); ``socket_connected``, in
    Socket Mode, says whether the WebSocket is up."""

    def __init__(
        self,
        probe: Probe,
        client: AsyncWebClient,
        *,
        mode: str,
        socket_connected: Callable[[], Awaitable[bool]] | None = None,
        every: float = CHECK_EVERY_S,
    ) -> None:
        self.probe = probe
        self.client = client
        self.mode = mode
        self.socket_connected = socket_connected
        self.every = every
        self._socket_down = False
        probe.describe(f"slack: {mode}")

    async def watch(self) -> None:
        """Check now and then, until cancelled."""
        while True:
            await self.check()
            await asyncio.sleep(self.every)

    async def check(self) -> None:
        try:
            answer = await self.client.auth_test()
        except SlackApiError as exc:
            self.probe.degraded(f"auth.test: {explain(exc)}")
            return
        except (aiohttp.ClientError, TimeoutError, SlackRequestError) as exc:
            self.probe.degraded(f"auth.test: network error ({type(exc).__name__}: {exc})")
            return
        team, bot = answer.get("team_id"), answer.get("user_id")
        self.probe.describe(f"slack (team {team}, bot {bot}): {self.mode}")
        if self.socket_connected is not None:
            self._socket_down = not await self.socket_connected()
            if self._socket_down:
                self.probe.degraded("Socket Mode: not connected to Slack (reconnecting)")
                return
        self.probe.ok()

    def sent(self) -> None:
        """A message reached Slack. Not ok while the last check found the socket down: the
        Web API working says nothing about Socket Mode's connection."""
        if not self._socket_down:
            self.probe.ok()

    def send_failed(self, reason: str) -> None:
        """A send could not reach Slack, or Slack refused the token."""
        self.probe.degraded(f"sending: {reason}")
