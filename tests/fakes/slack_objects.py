"""People, channels, errors, ids and mrkdwn reading for the fake Slack Web API server."""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

TEAM_ID = "T0FAKE001"
TEAM_DOMAIN = "fakedesk"
APP_ID = "A0FAKEAPP"
BOT_ID = "B0FAKEBOT"
BOT_USER_ID = "U0FAKEBOT"

# Fields the Web API client sends as JSON strings inside form-encoded bodies.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "unfurl"})
_CONTROL = re.compile(r"<([^<>]*)>")


class ApiError(Exception):
    """A Web API refusal: HTTP 200 with ``{"ok": false, "error": code}``."""

    def __init__(self, error: str, *, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass(frozen=True, slots=True)
class SlackUser:
    """A simulated person in the fake workspace."""

    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    tz: str = "Europe/London"
    tz_offset: int = 0
    locale: str = "en-US"
    is_bot: bool = False
    deleted: bool = False

    def to_api(self, *, include_locale: bool = False) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.name,
            "real_name_normalized": self.real_name,
        }
        if self.email:
            profile["email"] = self.email
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": profile,
        }
        if include_locale:  # Slack sends the locale only when asked with include_locale=true
            user["locale"] = self.locale
        return user

    def brief(self) -> dict[str, Any]:
        """The ``user`` object of interactivity payloads."""
        return {"id": self.id, "username": self.name, "name": self.name, "team_id": TEAM_ID}


@dataclass(slots=True)
class SlackChannel:
    """A conversation: a public or private channel, or a DM (``is_im``) with ``user``."""

    id: str
    name: str = ""
    is_im: bool = False
    is_private: bool = False
    user: str | None = None
    members: set[str] = field(default_factory=set)
    bot_member: bool = True
    archived: bool = False

    @property
    def channel_type(self) -> str:
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_im": self.is_im,
            "is_channel": not self.is_im and not self.is_private,
            "is_private": self.is_private,
            "is_archived": self.archived,
            "is_member": self.bot_member,
        }
        if self.is_im:
            data["user"] = self.user
        else:
            data["name"] = self.name
        return data


class Ids:
    """Id and timestamp factories, each unique within one fake server."""

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count[int]] = {}
        self._last_ts = 0.0

    def next(self, prefix: str) -> str:
        counter = self._counters.setdefault(prefix, itertools.count(1))
        return f"{prefix}{next(counter):07d}"

    def ts(self) -> str:
        """A message timestamp: seconds with six decimals, strictly increasing."""
        now = max(time.time(), self._last_ts + 0.000001)
        self._last_ts = now
        return f"{now:.6f}"


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Form values the client JSON-encoded (``blocks``, ``view``...) back into objects."""
    decoded = dict(raw)
    for key in _JSON_FIELDS & decoded.keys():
        value = decoded[key]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                decoded[key] = json.loads(value)
            except ValueError as exc:
                raise ApiError("invalid_json", messages=[f"{key}: {exc}"]) from exc
    return decoded


def truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


@dataclass(frozen=True, slots=True)
class Reading:
    """What a person sees in mrkdwn text, and whom it notifies."""

    plain: str
    pings: tuple[str, ...]  # "@U123", "!channel", "!here", "!everyone", "!subteam^S1"
    links: tuple[str, ...]


def read_mrkdwn(source: str) -> Reading:
    """Render Slack's control sequences the way a client shows them: ``<@U1>`` pings U1,
    ``<!channel>`` pings everyone in the channel, ``<url|label>`` is a link; ``&lt;`` is a
    literal ``<`` that pings nobody."""
    pings: list[str] = []
    links: list[str] = []

    def control(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith(("@U", "@W")):
            pings.append(target)
            return label or target
        if target.startswith("!"):
            if target.split("^")[0] in ("!channel", "!here", "!everyone", "!subteam"):
                pings.append(target)
            return label or "@" + target[1:].split("^")[0]
        if target.startswith("#C"):
            return label or target
        links.append(html.unescape(target))
        return label or target

    rendered = _CONTROL.sub(control, source)
    plain = rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return Reading(plain, tuple(pings), tuple(links))


def permalink(channel: str, ts: str, thread_ts: str | None = None) -> str:
    link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link
