"""The fake workspace and the Web API methods on it (messages, conversations, users, reactions).

Every method takes decoded request params and returns the body to merge into ``{"ok": true}``,
or raises :class:`ApiError`. No HTTP and no waiting here; see ``slack_server`` for that.
Views live in ``slack_views``, files in ``slack_files``.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.slack_blocks import check_message_blocks, iter_texts
from tests.fakes.slack_objects import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    ApiError,
    Ids,
    SlackChannel,
    SlackUser,
    permalink,
    read_mrkdwn,
)

TEXT_LIMIT = 40_000  # Slack truncates longer message text


class Workspace:
    def __init__(self) -> None:
        self.ids = Ids()
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, SlackChannel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, oldest first
        self.ephemerals: list[dict[str, Any]] = []
        self.reactions: list[dict[str, Any]] = []  # reactions the app added

    # -- building the world ---------------------------------------------------------------

    def add_user(self, name: str, **fields: Any) -> SlackUser:
        user = SlackUser(
            id=fields.pop("id", None) or self.ids.next("U"),
            name=name,
            real_name=fields.pop("real_name", name.title()),
            **fields,
        )
        self.users[user.id] = user
        return user

    def add_channel(
        self,
        name: str,
        *,
        members: tuple[SlackUser, ...] = (),
        bot_member: bool = True,
        **fields: Any,
    ) -> SlackChannel:
        prefix = "G" if fields.get("is_private") else "C"
        channel = SlackChannel(
            id=fields.pop("id", None) or self.ids.next(prefix),
            name=name,
            members={m.id for m in members},
            bot_member=bot_member,
            **fields,
        )
        self.channels[channel.id] = channel
        return channel

    def im_with(self, user_id: str) -> SlackChannel:
        if user_id not in self.users or self.users[user_id].deleted:
            raise ApiError("user_not_found")
        for channel in self.channels.values():
            if channel.is_im and channel.user == user_id:
                return channel
        channel = SlackChannel(id=self.ids.next("D"), is_im=True, user=user_id, members={user_id})
        self.channels[channel.id] = channel
        return channel

    def add_message(self, channel: SlackChannel, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message (a person's or the app's); thread replies bump their parent."""
        message = {"type": "message", "ts": self.ids.ts(), "team": TEAM_ID} | message
        self.messages.setdefault(channel.id, []).append(message)
        parent_ts = message.get("thread_ts")
        if parent_ts and parent_ts != message["ts"]:
            parent = self.find_message(channel.id, parent_ts)
            parent.setdefault("thread_ts", parent_ts)
            parent["reply_count"] = parent.get("reply_count", 0) + 1
        return message

    # -- lookups ----------------------------------------------------------------------------

    def channel(self, channel_id: Any, *, member: bool = True) -> SlackChannel:
        """The channel a method names: a channel id, or a user id (the app's DM with them)."""
        if isinstance(channel_id, str) and channel_id.startswith(("U", "W")):
            return self.im_with(channel_id)
        channel = self.channels.get(str(channel_id))
        if channel is None or (channel.is_private and not channel.bot_member):
            raise ApiError("channel_not_found")
        if channel.archived:
            raise ApiError("is_archived")
        if member and not channel.is_im and not channel.bot_member:
            raise ApiError("not_in_channel")
        return channel

    def find_message(self, channel_id: str, ts: Any) -> dict[str, Any]:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise ApiError("message_not_found")

    def user(self, user_id: Any) -> SlackUser:
        user = self.users.get(str(user_id))
        if user is None:
            raise ApiError("user_not_found")
        return user

    # -- chat.* ----------------------------------------------------------------------------

    def _content(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        blocks = params.get("blocks")
        if blocks is not None:
            check_message_blocks(blocks)
        if not text and not blocks and not params.get("attachments"):
            raise ApiError("no_text")
        content: dict[str, Any] = {"text": str(text or "")[:TEXT_LIMIT]}
        if text and len(str(text)) > TEXT_LIMIT:
            content["truncated"] = True
        if blocks is not None:
            content["blocks"] = blocks
        return content

    def post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        content = self._content(params)
        thread_ts = params.get("thread_ts")
        if thread_ts:
            self.find_message(channel.id, thread_ts)
            content["thread_ts"] = thread_ts
        message = self.add_message(
            channel, {"user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": "app"} | content
        )
        return {"channel": channel.id, "ts": message["ts"], "message": message}

    def update_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        message = self.find_message(channel.id, params.get("ts"))
        if message.get("bot_id") != BOT_ID:
            raise ApiError("cant_update_message")
        content = self._content(params)
        if "blocks" not in content:
            message.pop("blocks", None)
        message.update(content, edited={"user": BOT_USER_ID, "ts": self.ids.ts()})
        return {"channel": channel.id, "ts": message["ts"], "text": message["text"]}

    def post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        user = self.user(params.get("user"))
        if not channel.is_im and user.id not in channel.members:
            raise ApiError("user_not_in_channel")
        content = self._content(params)
        ts = self.ids.ts()
        self.ephemerals.append(
            {"channel": channel.id, "user": user.id, "ts": ts, "thread_ts": params.get("thread_ts")}
            | content
        )
        return {"message_ts": ts}

    def get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"), member=False)
        message = self.find_message(channel.id, params.get("message_ts"))
        link = permalink(channel.id, message["ts"], message.get("thread_ts"))
        return {"channel": channel.id, "permalink": link}

    # -- conversations.* ---------------------------------------------------------------------

    def open_conversation(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users") or "").split(",")
        if len(users) != 1 or not users[0]:
            raise ApiError("invalid_arguments", messages=["exactly one user, please"])
        return {"channel": {"id": self.im_with(users[0]).id}}

    def conversation_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self.channel(params.get("channel"), member=False).to_api()}

    def history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        top = [
            m for m in self.messages.get(channel.id, []) if m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        if params.get("latest"):
            inclusive = str(params.get("inclusive")) in ("1", "true", "True")
            top = [
                m
                for m in top
                if m["ts"] < params["latest"] or (inclusive and m["ts"] == params["latest"])
            ]
        limit = int(params.get("limit") or 100)
        return {"messages": list(reversed(top))[:limit], "has_more": len(top) > limit}

    def replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        parent = self.find_message(channel.id, params.get("ts"))
        root = parent.get("thread_ts", parent["ts"])
        thread = [m for m in self.messages.get(channel.id, []) if m.get("thread_ts") == root]
        return {"messages": thread or [parent], "has_more": False}

    # -- users.*, reactions.* ------------------------------------------------------------------

    def user_info(self, params: dict[str, Any]) -> dict[str, Any]:
        include_locale = str(params.get("include_locale")) in ("1", "true", "True")
        return {"user": self.user(params.get("user")).to_api(include_locale=include_locale)}

    def add_reaction(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channel(params.get("channel"))
        message = self.find_message(channel.id, params.get("timestamp"))
        name = str(params.get("name") or "").strip(":")
        if not name:
            raise ApiError("invalid_name")
        mine = message.setdefault("reactions", [])
        entry = next((r for r in mine if r["name"] == name), None)
        if entry is not None and BOT_USER_ID in entry["users"]:
            raise ApiError("already_reacted")
        if entry is None:
            entry = {"name": name, "users": [], "count": 0}
            mine.append(entry)
        entry["users"].append(BOT_USER_ID)
        entry["count"] += 1
        self.reactions.append({"channel": channel.id, "ts": message["ts"], "name": name})
        return {}

    # -- inspection ----------------------------------------------------------------------------

    def app_messages(self) -> list[dict[str, Any]]:
        return [m for ms in self.messages.values() for m in ms if m.get("bot_id") == BOT_ID]


def seen_text(message: dict[str, Any]) -> str:
    """What a person reads: the blocks' texts when there are blocks, else the ``text``."""
    blocks = message.get("blocks")
    if blocks:
        parts = [
            read_mrkdwn(t["text"]).plain if t.get("type") == "mrkdwn" else t["text"]
            for t in iter_texts(blocks)
        ]
        return "\n".join(parts)
    return read_mrkdwn(message.get("text") or "").plain


def pings_in(message: dict[str, Any]) -> list[str]:
    """Everyone a message notifies: mentions in its text and in its mrkdwn blocks."""
    sources = [message.get("text") or ""]
    sources += [t["text"] for t in iter_texts(message.get("blocks") or []) if t["type"] == "mrkdwn"]
    return [ping for source in sources for ping in read_mrkdwn(source).pings]
