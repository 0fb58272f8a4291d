"""Long polling that confirms an update only after it was handled.

aiogram's own polling confirms updates as soon as they arrive (the next ``getUpdates`` carries
a higher offset while handlers still run), so a crash loses what was in flight. Here a batch is
handled first (different chats in parallel, each chat's updates in order, so an album or a
quick double message never races on one conversation) and only then confirmed. Handling is
idempotent per ``update_id`` in the core, so a redelivered batch after a crash changes nothing
twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import Update

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 25
MAX_BACKOFF_S = 30.0


def chat_key(update: Update) -> int | str:
    """The chat an update belongs to (updates of one chat are handled in order)."""
    if update.message:
        return update.message.chat.id
    if update.edited_message:
        return update.edited_message.chat.id
    if update.callback_query:
        message = update.callback_query.message
        return message.chat.id if message else f"user:{update.callback_query.from_user.id}"
    return f"update:{update.update_id}"


async def handle_batch(dispatcher: Dispatcher, bot: Bot, updates: list[Update]) -> None:
    by_chat: dict[int | str, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[chat_key(update)].append(update)

    async def in_order(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            try:
                await dispatcher.feed_update(bot, update)
            except Exception:  # noqa: BLE001 - one bad update must not stop the others
                log.exception("update %s failed", update.update_id)

    await asyncio.gather(*(in_order(batch) for batch in by_chat.values()))


async def poll(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    allowed_updates: list[str] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until ``stop`` is set (or the task is cancelled)."""
    stop = stop or asyncio.Event()
    offset: int | None = None
    delay = 1.0
    await bot.delete_webhook(drop_pending_updates=False)
    while not stop.is_set():
        try:
            updates = await bot.get_updates(
                offset=offset,
                timeout=POLL_TIMEOUT_S,
                allowed_updates=allowed_updates,
                request_timeout=POLL_TIMEOUT_S + 10,
            )
        except TelegramRetryAfter as wait:
            await asyncio.sleep(wait.retry_after)
            continue
        except (TelegramNetworkError, TelegramServerError) as exc:
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF_S)
            continue
        delay = 1.0
        if updates:
            await handle_batch(dispatcher, bot, updates)
            offset = updates[-1].update_id + 1
