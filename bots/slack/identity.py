"""Who the app is in its workspace (``auth.test``), asked once and remembered.

Bolt's default single-workspace authorization asks ``auth.test`` on the first request, and every
request that arrives before that answer asks again: a burst after start-up paid for dozens of
calls before its acks. chatdesk asks once, at start when it can, and hands Bolt the answer as
its ``authorize`` function.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class AppIdentity:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._result: AuthorizeResult | None = None
        self._lock = asyncio.Lock()

        async def authorize() -> AuthorizeResult:
            """Bolt's ``authorize`` hook (a plain function: Bolt passes arguments by the
            names in its signature): the same answer for every request."""
            return await self.result()

        self.authorize = authorize

    async def result(self) -> AuthorizeResult:
        if self._result is None:
            async with self._lock:
                if self._result is None:
                    response = await self.client.auth_test()
                    self._result = AuthorizeResult.from_auth_test_response(
                        bot_token=self.client.token, auth_test_response=response
                    )
        return self._result

    async def load(self) -> None:
        """Ask now (at start); a failure is logged and asked again on the first request."""
        try:
            result = await self.result()
        except Exception as exc:  # noqa: BLE001 - Slack may be down at start; requests retry
            log.warning("slack: auth.test failed at start (%s); will ask on the first request", exc)
            return
        log.info("slack: signed in as %s in team %s", result.bot_user_id, result.team_id)
