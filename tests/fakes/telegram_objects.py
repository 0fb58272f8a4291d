"""People, chats, errors and request decoding for the fake Telegram Bot API server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

CALLBACK_DATA_MAX_BYTES = 64
MAX_BUTTONS = 100

# Fields aiogram sends as JSON strings in form data.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "media",
        "commands",
        "allowed_updates",
        "scope",
        "reaction",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "reply_to_message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "allow_sending_without_reply",
        "disable_notification",
        "disable_web_page_preview",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "has_spoiler",
        "disable_content_type_detection",
        "is_big",
    }
)


@dataclass(frozen=True, slots=True)
class TgUser:
    """A simulated Telegram person."""

    id: int
    first_name: str = "Alice"
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


@dataclass(frozen=True, slots=True)
class TgChat:
    """A chat; ``private_chat(user)`` or a group made with ``group_chat(id, title)``."""

    id: int
    type: str = "private"
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


def private_chat(user: TgUser) -> TgChat:
    return TgChat(id=user.id, type="private", first_name=user.first_name, username=user.username)


def group_chat(chat_id: int = -1001000000001, title: str = "Support group") -> TgChat:
    return TgChat(id=chat_id, type="supergroup" if chat_id < -(10**12) else "group", title=title)


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, code: int, description: str, *, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def default_description(status: int, retry_after: int) -> str:
    return {
        429: f"Too Many Requests: retry after {retry_after}",
        400: "Bad Request: chat not found",
        403: "Forbidden: bot was blocked by the user",
        401: "Unauthorized",
        409: "Conflict: terminated by other getUpdates request",
    }.get(status, "Internal Server Error" if status >= 500 else f"Error {status}")


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Undo aiogram's form encoding: JSON strings for objects, strings for numbers/bools."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise bad_request(f"can't parse {key} JSON object") from exc
            elif key in _INT_FIELDS and value.lstrip("-").isdigit():
                value = int(value)
            elif key in _BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        params[key] = value
    return params


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Check an inline keyboard the way Telegram does; return it as a dict."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards, ForceReply, ReplyKeyboardRemove: stored as sent
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            _validate_button(button)
    return markup


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode())
        if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        if urlparse(str(button["url"])).scheme not in ("http", "https", "tg"):
            raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
    elif not any(k in button for k in ("switch_inline_query", "web_app", "copy_text", "pay")):
        raise bad_request("text buttons are unallowed in the inline keyboard")


def callback_datas(markup: dict[str, Any] | None) -> list[str]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]
