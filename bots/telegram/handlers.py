"""The aiogram router: every message and button press goes to the core; nothing else happens here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, Message, Update

from bots.telegram.events import CHANNEL, TooLarge, Unsupported, from_callback, from_message
from core.i18n import gettext
from core.intake.events import InboundEvent, Outcome
from core.intake.inbound import FAILED_TURN, InboundProcessor

log = logging.getLogger(__name__)
TOAST_LIMIT = 200


Handled = Callable[[InboundEvent, Outcome], Awaitable[None]]
"""Called after the core handled an event (the channel keeps its command menus in step)."""


def build_router(
    processor: InboundProcessor,
    *,
    bot_username: str | None,
    file_limit: int,
    on_handled: Handled | None = None,
) -> Router:
    router = Router(name="chatdesk")

    async def handled(event: InboundEvent, outcome: Outcome) -> None:
        if on_handled is not None:
            await on_handled(event, outcome)

    @router.message()
    async def on_message(message: Message, event_update: Update) -> None:
        language = message.from_user.language_code if message.from_user else None
        key = f"update:{event_update.update_id}"
        try:
            event = from_message(
                message,
                update_id=event_update.update_id,
                bot_username=bot_username,
                file_limit=file_limit,
            )
        except TooLarge as big:
            text = gettext(
                language,
                "The file {name} is {size} MB; the bot can take files up to {limit} MB. "
                "Please compress it or share a link instead.",
                name=big.name or "you sent",
                size=round(big.size / 1024 / 1024, 1),
                limit=file_limit // 1024 // 1024,
            )
            await processor.say(
                event_key=key, channel=CHANNEL, chat_ref=str(message.chat.id), text=text
            )
            return
        except Unsupported:
            if message.chat.type == "private":
                text = gettext(
                    language,
                    "I can read text, photos and files. Please describe your request in words.",
                )
                await processor.say(
                    event_key=key, channel=CHANNEL, chat_ref=str(message.chat.id), text=text
                )
            return
        if event is not None:
            await handled(event, await processor.process(event))

    @router.callback_query()
    async def on_button(callback: CallbackQuery, event_update: Update) -> None:
        """Every press is answered, even when handling it fails: otherwise the button spins
        until Telegram gives up. The failure still propagates (logged; a webhook answers 500
        and Telegram delivers the update again, which nothing recorded yet)."""
        try:
            event = from_callback(callback, update_id=event_update.update_id)
            outcome = await processor.process(event)
        except Exception:
            language = callback.from_user.language_code
            await _answer(callback, gettext(language, FAILED_TURN))
            raise
        await _answer(callback, outcome.toast)
        await handled(event, outcome)

    return router


async def _answer(callback: CallbackQuery, toast: str | None) -> None:
    try:
        await callback.answer(toast[:TOAST_LIMIT] if toast else None)
    except TelegramBadRequest as exc:  # the query is too old to answer: the press still counted
        log.info("could not answer button press: %s", exc)
    except TelegramAPIError as exc:  # Telegram unreachable: the spinner times out by itself
        log.warning("could not answer button press: %s", exc)
