"""The bodies Slack sends to an app: Events API envelopes, slash commands, interactivity.

Pure builders: ids, trigger ids and response URLs come from the caller (the fake server).
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.slack_objects import (
    APP_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    SlackChannel,
    SlackUser,
)

VERIFICATION_TOKEN = "fake-verification-token"  # deprecated by Slack, still sent


def event_envelope(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-fake-{event_id}",
    }


def message_event(channel: SlackChannel, message: dict[str, Any]) -> dict[str, Any]:
    """A ``message`` event (``message.im`` / ``message.channels`` / ``message.groups``)."""
    event = {k: v for k, v in message.items() if k not in ("reactions", "reply_count")}
    return event | {
        "type": "message",
        "channel": channel.id,
        "event_ts": message["ts"],
        "channel_type": channel.channel_type,
    }


def app_mention_event(channel: SlackChannel, message: dict[str, Any]) -> dict[str, Any]:
    keep = ("user", "text", "ts", "thread_ts", "team", "blocks", "files")
    event = {k: message[k] for k in keep if k in message}
    return event | {"type": "app_mention", "channel": channel.id, "event_ts": message["ts"]}


def reaction_event(
    user: SlackUser, channel: SlackChannel, message: dict[str, Any], reaction: str
) -> dict[str, Any]:
    event = {
        "type": "reaction_added",
        "user": user.id,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel.id, "ts": message["ts"]},
        "event_ts": f"{time.time():.6f}",
    }
    if message.get("user"):
        event["item_user"] = message["user"]
    return event


def home_opened_event(
    user: SlackUser, im: SlackChannel, home: dict[str, Any] | None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": im.id,
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    if home is not None:
        event["view"] = home
    return event


def slash_command(
    user: SlackUser,
    channel: SlackChannel,
    command: str,
    text: str,
    *,
    trigger_id: str,
    response_url: str,
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _interaction(kind: str, user: SlackUser, trigger_id: str) -> dict[str, Any]:
    return {
        "type": kind,
        "token": VERIFICATION_TOKEN,
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": user.brief(),
        "trigger_id": trigger_id,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_action(
    user: SlackUser,
    element: dict[str, Any],
    block_id: str | None,
    *,
    trigger_id: str,
    response_url: str | None,
    selected: dict[str, Any] | None = None,
    channel: SlackChannel | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
) -> dict[str, Any]:
    """A ``block_actions`` payload for pressing ``element`` in a message or a view. Slack
    leaves the message itself out for an ephemeral one."""
    action: dict[str, Any] = {
        "type": element["type"],
        "action_id": element.get("action_id", ""),
        "block_id": block_id or "",
        "action_ts": f"{time.time():.6f}",
    }
    if element["type"] == "button":
        action["text"] = element["text"]
        if "value" in element:
            action["value"] = element["value"]
    if selected is not None:
        action["selected_option"] = selected
    payload = _interaction("block_actions", user, trigger_id) | {"actions": [action]}
    if message is not None and channel is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel.id,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel.id, "name": channel.name or "directmessage"}
        payload["response_url"] = response_url
        if not is_ephemeral:
            payload["message"] = message
    elif view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    return payload


def view_submission(user: SlackUser, view: dict[str, Any], *, trigger_id: str) -> dict[str, Any]:
    return _interaction("view_submission", user, trigger_id) | {
        "view": view,
        "response_urls": [],
    }


def view_closed(user: SlackUser, view: dict[str, Any]) -> dict[str, Any]:
    return _interaction("view_closed", user, "") | {"view": view, "is_cleared": False}


def message_shortcut(
    user: SlackUser,
    channel: SlackChannel,
    message: dict[str, Any],
    callback_id: str,
    *,
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    return _interaction("message_action", user, trigger_id) | {
        "callback_id": callback_id,
        "action_ts": f"{time.time():.6f}",
        "message_ts": message["ts"],
        "message": message,
        "channel": {"id": channel.id, "name": channel.name or "directmessage"},
        "response_url": response_url,
    }


def global_shortcut(user: SlackUser, callback_id: str, *, trigger_id: str) -> dict[str, Any]:
    return _interaction("shortcut", user, trigger_id) | {
        "callback_id": callback_id,
        "action_ts": f"{time.time():.6f}",
    }
