"""Who a Slack user is: ``users.info`` (name, locale) on first sight, remembered for a while.

The core registers a requester on first contact from what this returns; the locale sets their
language. When Slack cannot be asked (an outage) the user id stands in for the name, so the
request is still taken.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.intake.events import ChannelUser

log = logging.getLogger(__name__)
KEEP_FOR_S = 3600.0
LOOKUP_TIMEOUT_S = 5.0


def external_id(team_id: str, user_id: str) -> str:
    """The identity chatdesk stores for a Slack user: ``TEAM:USER``."""
    return f"{team_id}:{user_id}"


class Directory:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._known: dict[str, tuple[float, ChannelUser]] = {}

    async def user(self, team_id: str, user_id: str) -> ChannelUser:
        key = external_id(team_id, user_id)
        found = self._known.get(key)
        if found is not None and time.monotonic() - found[0] < KEEP_FOR_S:
            return found[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("slack: users.info %s failed (%s); using the id as the name", key, exc)
            return ChannelUser(external_id=key, display_name=user_id)
        person = _from_api(key, response.get("user") or {})
        self._known[key] = (time.monotonic(), person)
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
    )
