"""Deliver core Replies to Telegram through aiogram, mapping Telegram errors to outbox verdicts."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    ReactionTypeEmoji,
    ReplyParameters,
)

from bots.telegram.rendering import render_reply
from core.messages import Attachment, PermanentFailure, Reply, RetryLater

T = TypeVar("T")
CHANNEL = "telegram"
RELAYED_REACTION = "👌"  # one of Telegram's fixed reaction emoji


def is_photo(attachment: Attachment) -> bool:
    """Telegram photos carry no file name; the inbound adapter records them as unnamed images."""
    return attachment.mime_type.startswith("image/") and not attachment.name


async def _call(request: Awaitable[T]) -> T:
    try:
        return await request
    except TelegramRetryAfter as exc:
        raise RetryLater(exc.message, after_seconds=float(exc.retry_after)) from exc
    except (TelegramNetworkError, TelegramServerError, ClientDecodeError) as exc:
        raise RetryLater(str(exc)) from exc
    except TelegramUnauthorizedError as exc:
        # A revoked or wrong token is our configuration, not the recipient: keep the message.
        raise RetryLater(f"bot token rejected: {exc.message}") from exc
    except TelegramAPIError as exc:
        raise PermanentFailure(exc.message) from exc


class TelegramSender:
    """:class:`core.messages.Sender` for Telegram. ``recipient`` is the chat id as a string;
    the returned reference is the Telegram message_id (of the last text message) as a string."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        chat_id = _chat_id(recipient)
        try:
            rendered = render_reply(reply)
        except ValueError as exc:
            raise PermanentFailure(f"reply cannot be rendered for Telegram: {exc}") from exc
        chunks, keyboard = rendered.chunks, rendered.keyboard
        if not chunks and keyboard is not None:
            raise PermanentFailure("a Telegram message with buttons needs text")
        if edit_message_ref is not None:
            if not chunks:
                raise PermanentFailure("nothing to edit the message to")
            if not edit_message_ref.isdigit():
                raise PermanentFailure(f"not a Telegram message id: {edit_message_ref!r}")
            return await self._edit(chat_id, int(edit_message_ref), chunks, keyboard)
        last_ref = await self._send_chunks(chat_id, chunks, keyboard, reply_to_ref)
        if reply.picture is not None:
            upload = BufferedInputFile(reply.picture.data, filename=reply.picture.name)
            photo = await _call(self.bot.send_photo(chat_id, upload))
            last_ref = last_ref or str(photo.message_id)
        for attachment in reply.attachments:
            if attachment.channel == CHANNEL:
                ref = await self._send_attachment(chat_id, attachment, reply_to_ref, last_ref)
                last_ref = last_ref or ref
        if last_ref is None:
            raise PermanentFailure("empty reply: no text and no Telegram attachments")
        return last_ref

    async def mark_relayed(self, *, chat_ref: str, message_ref: str) -> None:
        """:class:`core.messages.RelayMarker`: a reaction on the agent's relayed message."""
        await self.bot.set_message_reaction(
            chat_id=_chat_id(chat_ref),
            message_id=int(message_ref),
            reaction=[ReactionTypeEmoji(emoji=RELAYED_REACTION)],
        )

    async def _send_chunks(
        self,
        chat_id: int | str,
        chunks: list[str],
        keyboard: InlineKeyboardMarkup | None,
        reply_to_ref: str | None,
    ) -> str | None:
        last: str | None = None
        for index, chunk in enumerate(chunks):
            message = await _call(
                self.bot.send_message(
                    chat_id=chat_id,
                    text=chunk,
                    parse_mode="HTML",
                    reply_markup=keyboard if index == len(chunks) - 1 else None,
                    reply_parameters=_reply_to(reply_to_ref) if index == 0 else None,
                )
            )
            last = str(message.message_id)
        return last

    async def _edit(
        self,
        chat_id: int | str,
        message_id: int,
        chunks: list[str],
        keyboard: InlineKeyboardMarkup | None,
    ) -> str:
        first_keyboard = keyboard if len(chunks) == 1 else None
        try:
            await _call(
                self.bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=message_id,
                    text=chunks[0],
                    parse_mode="HTML",
                    reply_markup=first_keyboard,
                )
            )
        except PermanentFailure as exc:
            if not isinstance(exc.__cause__, TelegramBadRequest) or "not modified" not in str(exc):
                raise
        # Text that no longer fits in one message continues in new messages below it.
        rest = await self._send_chunks(chat_id, chunks[1:], keyboard, None)
        return rest or str(message_id)

    async def _send_attachment(
        self,
        chat_id: int | str,
        attachment: Attachment,
        reply_to_ref: str | None,
        last_ref: str | None,
    ) -> str:
        reply_parameters = _reply_to(reply_to_ref) if last_ref is None else None
        if is_photo(attachment):
            try:
                photo = await _call(
                    self.bot.send_photo(
                        chat_id, attachment.file_ref, reply_parameters=reply_parameters
                    )
                )
                return str(photo.message_id)
            except PermanentFailure as exc:
                if "file mismatch" not in str(exc):
                    raise
        document = await _call(
            self.bot.send_document(chat_id, attachment.file_ref, reply_parameters=reply_parameters)
        )
        return str(document.message_id)


def _chat_id(recipient: str) -> int | str:
    try:
        return int(recipient)
    except ValueError:
        if recipient.startswith("@"):
            return recipient
        raise PermanentFailure(f"not a Telegram chat id: {recipient!r}") from None


def _reply_to(reply_to_ref: str | None) -> ReplyParameters | None:
    if reply_to_ref is None or not reply_to_ref.isdigit():
        return None
    return ReplyParameters(message_id=int(reply_to_ref), allow_sending_without_reply=True)
