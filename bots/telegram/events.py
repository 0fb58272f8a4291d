"""Translating aiogram messages and button presses into the core's channel-neutral events."""

from __future__ import annotations

import functools
from typing import Literal

from aiogram.types import CallbackQuery, Message, User

from core.intake.events import ChannelUser, InboundEvent
from core.messages import Attachment

CHANNEL = "telegram"
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the public Bot API lets bots fetch files up to 20 MB


class TooLarge(Exception):
    def __init__(self, name: str, size: int) -> None:
        super().__init__(name)
        self.name, self.size = name, size


class Unsupported(Exception):
    """A message kind the help desk cannot take (stickers, polls, locations...)."""


def channel_user(user: User) -> ChannelUser:
    name = (
        " ".join(part for part in (user.first_name, user.last_name) if part)
        or user.username
        or str(user.id)
    )
    return ChannelUser(
        external_id=str(user.id),
        display_name=name,
        username=user.username,
        language_code=user.language_code,
    )


def from_message(
    message: Message,
    *,
    update_id: int,
    bot_username: str | None,
    file_limit: int = CLOUD_DOWNLOAD_LIMIT,
) -> InboundEvent | None:
    """The event for a message, or None for one that is not for us (another bot's command,
    a service message, a message without a sender)."""
    if message.from_user is None or message.from_user.is_bot:
        return None
    event = functools.partial(
        InboundEvent,
        channel=CHANNEL,
        chat_ref=str(message.chat.id),
        user=channel_user(message.from_user),
        event_key=f"update:{update_id}",
        is_private=message.chat.type == "private",
        message_ref=str(message.message_id),
        reply_to_ref=str(message.reply_to_message.message_id) if message.reply_to_message else None,
    )
    if message.text is not None:
        command = _command(message.text, bot_username)
        if command is False:
            return None
        if command is not None:
            name, args = command
            return event(kind="command", command=name, args=args, text=message.text)
        return event(kind="text", text=message.text)
    attachment = _attachment(message, file_limit)
    if attachment is not None:
        return event(kind="attachment", attachments=(attachment,), text=message.caption or "")
    if message.new_chat_members or message.left_chat_member or message.pinned_message:
        return None
    raise Unsupported(message.content_type)


def from_callback(callback: CallbackQuery, *, update_id: int) -> InboundEvent:
    message = callback.message
    chat_id = message.chat.id if message else callback.from_user.id
    is_private = message.chat.type == "private" if message else True
    return InboundEvent(
        channel=CHANNEL,
        chat_ref=str(chat_id),
        user=channel_user(callback.from_user),
        kind="button",
        event_key=f"update:{update_id}",
        is_private=is_private,
        action=callback.data or "",
        message_ref=str(message.message_id) if message else None,
    )


def _command(text: str, bot_username: str | None) -> tuple[str, str] | Literal[False] | None:
    """("claim", "1001 rest") for "/claim@ourbot 1001 rest"; False when addressed to another bot."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, args = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return False
    if not name or not name.replace("_", "").isalnum():
        return None
    return name.lower(), args.strip()


def _attachment(message: Message, file_limit: int) -> Attachment | None:
    if message.photo:
        photo = message.photo[-1]  # the largest size
        _check_size("photo", photo.file_size or 0, file_limit)
        # Telegram photos have no file name; the sender re-sends nameless images as photos.
        return Attachment(CHANNEL, photo.file_id, "", "image/jpeg", photo.file_size or 0)
    for kind in ("document", "video", "audio", "voice", "video_note", "animation"):
        item = getattr(message, kind)
        if item is not None:
            name = getattr(item, "file_name", None) or f"{kind}-{message.message_id}"
            size = item.file_size or 0
            _check_size(name, size, file_limit)
            return Attachment(
                CHANNEL, item.file_id, name, getattr(item, "mime_type", None) or "", size
            )
    return None


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise TooLarge(name, size)
