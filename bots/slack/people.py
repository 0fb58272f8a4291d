"""Who a Slack user is: ``users.info`` (name, e-mail, time zone, locale) on first sight,
remembered for an hour, so a conversation costs one lookup, not one per message.

The core registers a requester on first contact from what this returns and keeps it on the
person: the locale sets their language (``ru-RU`` → Russian; one chatdesk does not speak → the
default language), Slack's verified e-mail may join them to the person an admin knows by that
address (:mod:`core.services.identity_links`). When Slack cannot be asked (an error, a
timeout) nothing is lost: the last answer is used however old, and for someone never seen the
core keeps what it stored, or stands the id in for the name until Slack answers again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from core.intake.events import ChannelUser

log = logging.getLogger(__name__)
KEEP_FOR_S = 3600.0
ASK_AGAIN_AFTER_FAILURE_S = 60.0  # a known person's last answer serves this long in an outage
LOOKUP_TIMEOUT_S = 5.0


def external_id(team_id: str, user_id: str) -> str:
    """The identity chatdesk stores for a Slack user: ``TEAM:USER``."""
    return f"{team_id}:{user_id}"


class Directory:
    def __init__(
        self, client: AsyncWebClient, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.client = client
        self.clock = clock
        self._known: dict[str, tuple[float, ChannelUser]] = {}  # key → (asked at, answer)

    async def user(self, team_id: str, user_id: str) -> ChannelUser:
        key = external_id(team_id, user_id)
        found = self._known.get(key)
        if found is not None and self.clock() - found[0] < KEEP_FOR_S:
            return found[1]
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT_S):
                response = await self.client.users_info(user=user_id, include_locale=True)
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("slack: users.info %s failed (%s); using what is known", key, exc)
            if found is None:  # never seen: asked again next time, to register them properly
                return ChannelUser(external_id=key, display_name="")
            # Slack is in trouble: the last answer serves a while before it is asked again.
            self._known[key] = (self.clock() - KEEP_FOR_S + ASK_AGAIN_AFTER_FAILURE_S, found[1])
            return found[1]
        person = _from_api(key, response.get("user") or {})
        self._known[key] = (self.clock(), person)
        return person


def _from_api(key: str, user: dict[str, Any]) -> ChannelUser:
    profile = user.get("profile") or {}
    name = (
        user.get("real_name")
        or profile.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or key
    )
    locale = str(user.get("locale") or "")
    return ChannelUser(
        external_id=key,
        display_name=str(name),
        username=user.get("name"),
        language_code=locale.split("-")[0].lower() or None,
        # Slack confirms an address before an account is made with it: a verified one.
        email=str(profile.get("email") or "") or None,
        time_zone=str(user.get("tz") or "") or None,
    )
