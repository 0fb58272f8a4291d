"""Translating Slack's requests (Events API, slash commands, button presses) into the core's
channel-neutral events. Pure functions of the payloads; nothing here calls Slack.

Dedupe keys: an event's ``event_id`` (the same on every retry, over HTTP and Socket Mode), a
command's ``trigger_id``, a press's user and ``action_ts``, a modal's view id.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bots.slack.reposting import FILE_LIMIT
from bots.slack.sender import CHANNEL, thread_ref
from core.intake.commands import Audience
from core.intake.desk_commands import COMMANDS
from core.intake.events import ChannelUser, InboundEvent
from core.intake.forms import Form
from core.messages import Attachment

# Message subtypes that are a person saying something; edits, joins, deletions are not.
SPOKEN_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}


def unescape(text: str) -> str:
    """Slack escapes ``&``, ``<``, ``>`` in what people type; the core keeps text as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_direct(channel_id: str) -> bool:
    return channel_id.startswith("D")


def without_mention(text: str, bot_user_id: str | None) -> str:
    return text.replace(f"<@{bot_user_id}>", " ").strip() if bot_user_id else text.strip()


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """The parts of a ``message`` event chatdesk reads."""

    event_id: str
    team_id: str
    user_id: str
    channel_id: str
    ts: str
    text: str
    thread_ts: str | None
    direct: bool
    files: tuple[Attachment, ...] = ()
    too_large: tuple[tuple[str, int], ...] = ()  # (name, size) of files over the limit


def spoken_message(body: dict[str, Any], bot_user_id: str | None) -> MessageFacts | None:
    """The facts of a message a person wrote; None for the app's own messages, other bots,
    edits, joins and other service messages."""
    event = body.get("event") or {}
    user_id = event.get("user")
    if (
        event.get("subtype") not in SPOKEN_SUBTYPES
        or event.get("bot_id")
        or not user_id
        or user_id == bot_user_id
    ):
        return None
    thread_ts = event.get("thread_ts")
    files = [f for f in event.get("files") or [] if isinstance(f, dict) and f.get("id")]
    return MessageFacts(
        event_id=str(body.get("event_id") or event.get("event_ts") or event.get("ts")),
        team_id=str(body.get("team_id") or event.get("team") or ""),
        user_id=str(user_id),
        channel_id=str(event.get("channel") or ""),
        ts=str(event.get("ts") or ""),
        text=unescape(str(event.get("text") or "")),
        thread_ts=str(thread_ts) if thread_ts and thread_ts != event.get("ts") else None,
        direct=event.get("channel_type") == "im" or is_direct(str(event.get("channel") or "")),
        files=tuple(_attachment(f) for f in files if int(f.get("size") or 0) <= FILE_LIMIT),
        too_large=tuple(
            (str(f.get("name") or ""), int(f.get("size") or 0))
            for f in files
            if int(f.get("size") or 0) > FILE_LIMIT
        ),
    )


def _attachment(file: dict[str, Any]) -> Attachment:
    """A Slack file by its id (chatdesk keeps the reference; Slack keeps the file)."""
    return Attachment(
        CHANNEL,
        str(file["id"]),
        str(file.get("name") or file.get("title") or ""),
        str(file.get("mimetype") or ""),
        int(file.get("size") or 0),
    )


def message_event(facts: MessageFacts, user: ChannelUser) -> InboundEvent:
    return InboundEvent(
        channel=CHANNEL,
        chat_ref=facts.channel_id,
        user=user,
        kind="attachment" if facts.files else "text",
        attachments=facts.files,
        event_key=f"event:{facts.event_id}",
        is_private=facts.direct,
        text=facts.text,
        message_ref=facts.ts,
        reply_to_ref=facts.thread_ts,
    )


def thread_event(facts: MessageFacts, user: ChannelUser, text: str) -> InboundEvent:
    """A message in a channel thread where someone talks with the desk: the thread is their
    conversation, as a DM would be."""
    return InboundEvent(
        channel=CHANNEL,
        chat_ref=thread_ref(facts.channel_id, facts.thread_ts or facts.ts),
        user=user,
        kind="text",
        event_key=f"event:{facts.event_id}",
        is_private=True,
        text=text,
        message_ref=facts.ts,
    )


def is_command(word: str) -> bool:
    name = word.lower()
    return any(COMMANDS.get(name, audience) is not None for audience in Audience)


def command_event(
    form: dict[str, Any], user: ChannelUser, *, chat_ref: str, is_private: bool
) -> InboundEvent:
    """``/desk claim 1001`` → command ``claim`` with ``1001``; ``/desk`` alone is ``help``;
    ``/desk printer jammed`` (no such command) is a message to the desk, as if typed in the DM."""
    text = unescape(str(form.get("text") or "")).strip()
    word, _, rest = text.partition(" ")
    key = f"command:{form.get('trigger_id')}"
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "chat_ref": chat_ref,
        "user": user,
        "event_key": key,
        "is_private": is_private,
    }
    if not text:
        return InboundEvent(kind="command", command="help", **common)
    if is_command(word):
        return InboundEvent(
            kind="command", command=word.lower(), args=rest.strip(), text=text, **common
        )
    return InboundEvent(kind="text", text=text, **common)


@dataclass(frozen=True, slots=True)
class PressPlace:
    """Where a press on a message's button happened, as the core sees it."""

    chat_ref: str
    is_private: bool
    message_ref: str | None


def press_place(body: dict[str, Any], room_ids: Collection[str] = ()) -> PressPlace | None:
    """A press in a desk thread (outside the agents' rooms) belongs to that thread's
    conversation; one in a DM or a room to that conversation. None for a press elsewhere."""
    container = body.get("container") or {}
    channel_id = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    if not channel_id:
        return None
    thread_ts = (body.get("message") or {}).get("thread_ts")
    in_thread = bool(thread_ts) and not is_direct(channel_id) and channel_id not in room_ids
    return PressPlace(
        chat_ref=thread_ref(channel_id, str(thread_ts)) if in_thread else channel_id,
        is_private=is_direct(channel_id) or in_thread,
        message_ref=str(container.get("message_ts") or "") or None,
    )


def pressed_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or []
    return str(actions[0].get("value") or "") if actions else ""


def button_event(
    body: dict[str, Any], user: ChannelUser, room_ids: Collection[str] = ()
) -> InboundEvent | None:
    """A press on one of chatdesk's buttons in a message; None for anything else."""
    actions = body.get("actions") or []
    place = press_place(body, room_ids)
    if not actions or place is None:
        return None
    action = actions[0]
    return InboundEvent(
        channel=CHANNEL,
        chat_ref=place.chat_ref,
        user=user,
        kind="button",
        event_key=f"action:{user.external_id}:{action.get('action_ts') or body.get('trigger_id')}",
        is_private=place.is_private,
        action=pressed_value(body),
        message_ref=place.message_ref,
    )


def form_event(view: dict[str, Any], user: ChannelUser, chat_ref: str, form: Form) -> InboundEvent:
    """A submitted modal: one effect per view, however often it is submitted."""
    return InboundEvent(
        channel=CHANNEL,
        chat_ref=chat_ref,
        user=user,
        kind="form",
        event_key=f"view:{view.get('id')}",
        is_private=True,
        form=form,
    )
