"""Slack's facts that need no connection: its name, user ids and command syntax.

Every chatdesk command goes through one slash command, ``/desk``: ``/desk claim 1001``.
"""

from __future__ import annotations

import re

from core.errors import InvalidInput

SLASH_COMMAND = "/desk"
EVENTS_PATH = "/slack/events"  # one request URL for events, commands, shortcuts, interactivity
_USER_ID = re.compile(r"T[A-Z0-9]{2,20}:[UW][A-Z0-9]{2,20}")


class SlackProfile:
    name = "slack"
    title = "Slack"
    user_id_hint = "TEAM_ID:USER_ID, e.g. T012AB3C4:U0G9QF9C6"

    def parse_user_id(self, raw: str) -> str:
        user_id = raw.strip().upper()
        if not _USER_ID.fullmatch(user_id):
            raise InvalidInput("A Slack identity is TEAM_ID:USER_ID, e.g. T012AB3C4:U0G9QF9C6.")
        return user_id

    def command_hint(self, command: str) -> str:
        return f"{SLASH_COMMAND} {command}"


SLACK_PROFILE = SlackProfile()
