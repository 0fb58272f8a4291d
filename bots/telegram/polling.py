"""Long polling that confirms an update only after it was handled, and never gives up.

aiogram's own polling confirms updates as soon as they arrive (the next ``getUpdates`` carries
a higher offset while handlers still run), so a crash loses what was in flight. Here a batch is
handled first (different chats in parallel, each chat's updates in order, so an album or a
quick double message never races on one conversation) and only then confirmed. Handling is
idempotent per ``update_id`` in the core, so a redelivered batch after a crash changes nothing
twice.

What Telegram's front servers really answer is retried here, with a backoff, and named in the
log: an HTML error page instead of JSON, 5xx, 409 Conflict (another instance polling the same
bot, or a webhook set), 429, a dropped connection, a timeout. Updates arrive as raw JSON and
are parsed one by one, so a malformed update (no ``chat``, no ``date``) is skipped and logged
instead of failing its whole batch forever. Anything else is a bug: it escapes to the
:class:`core.supervision.Supervisor`, which logs the traceback and starts the poller again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from core.supervision import Backoff, Probe

log = logging.getLogger(__name__)

PollingLock = Callable[[Probe], AbstractAsyncContextManager[object]]
"""Held for as long as this instance polls (see :mod:`core.instance_locks`): entering waits
for this instance's turn, reporting on the probe meanwhile; losing it raises, and the
supervisor starts polling again, waiting for the lock. The default holds nothing."""


@dataclass(frozen=True, slots=True)
class PollingOptions:
    long_poll_seconds: int = 25
    """How long Telegram may hold a ``getUpdates`` open when there is nothing new."""
    network_margin_seconds: float = 10.0
    """How much longer than that we wait for the answer before calling it a timeout."""
    backoff: Backoff = field(default_factory=lambda: Backoff(initial=1.0, maximum=30.0))
    """Waits between failed ``getUpdates`` calls (reset by the first one that works)."""


class GetRawUpdates(TelegramMethod[list[dict[str, Any]]]):
    """``getUpdates`` answered as plain JSON objects, parsed later one update at a time."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


# aiogram parses each answer as Response[T]; pydantic only weakly caches that model.
_RAW_RESPONSE = Response[list[dict[str, Any]]]


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


def parse_updates(bot: Bot, raw: list[dict[str, Any]]) -> tuple[list[Update], int | None]:
    """The valid updates of a batch, and the offset that confirms the whole batch (None for
    an empty one). An invalid update is logged and skipped: it would fail again forever."""
    updates: list[Update] = []
    highest: int | None = None
    for item in raw:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(update_id, int):
            highest = update_id if highest is None else max(highest, update_id)
        try:
            updates.append(Update.model_validate(item, context={"bot": bot}))
        except ValidationError as invalid:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                for error in invalid.errors()[:3]
            )
            log.warning("update %s skipped: it is malformed (%s)", update_id, problems)
    return updates, None if highest is None else highest + 1


class Poller:
    """Polls one bot for as long as :meth:`run` runs. The offset survives a restart of
    :meth:`run` (by the supervisor), so confirmed updates are never asked for again."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        allowed_updates: list[str] | None = None,
        options: PollingOptions | None = None,
        lock: PollingLock | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.allowed_updates = allowed_updates
        self.options = options or PollingOptions()
        self.lock: PollingLock = lock or _no_lock
        self.offset: int | None = None
        self._failures = 0

    async def run(self, probe: Probe) -> None:
        async with self.lock(probe):
            await self.bot.delete_webhook(drop_pending_updates=False)
            while True:
                raw = await self._fetch(probe)
                if raw is None:
                    continue
                updates, offset = parse_updates(self.bot, raw)
                if updates:
                    await handle_batch(self.dispatcher, self.bot, updates)
                if offset is not None:
                    self.offset = offset

    async def _fetch(self, probe: Probe) -> list[dict[str, Any]] | None:
        """One ``getUpdates``; None after a failure that was reported and waited out."""
        options = self.options
        request = GetRawUpdates(
            offset=self.offset,
            timeout=options.long_poll_seconds,
            allowed_updates=self.allowed_updates,
        )
        timeout = int(options.long_poll_seconds + options.network_margin_seconds)
        try:
            raw = await self.bot(request, request_timeout=timeout)
        except TelegramRetryAfter as wait:
            await self._failed(
                probe,
                f"getUpdates: rate limited (429), waiting {wait.retry_after} s",
                wait.retry_after,
            )
            return None
        except TelegramConflictError as conflict:
            await self._failed(
                probe,
                "getUpdates: 409 Conflict - another instance is polling this bot, or a webhook "
                f"is set ({conflict.message})",
            )
            return None
        except ClientDecodeError as garbled:
            await self._failed(
                probe, f"getUpdates: the answer was not Bot API JSON ({_preview(garbled)})"
            )
            return None
        except TelegramNetworkError as unreachable:
            await self._failed(probe, f"getUpdates: network error ({unreachable.message})")
            return None
        except TelegramAPIError as refused:  # 5xx, 401 (token revoked), an odd proxy's 404...
            await self._failed(probe, f"getUpdates: {type(refused).__name__} ({refused.message})")
            return None
        self._failures = 0
        probe.ok()
        return raw

    async def _failed(self, probe: Probe, what: str, wait: float | None = None) -> None:
        delay = wait if wait is not None else self.options.backoff.delay(self._failures)
        self._failures += 1
        log.warning("%s; retrying in %.1f s", what, delay)
        probe.degraded(what)
        await asyncio.sleep(delay)


def _no_lock(_probe: Probe) -> AbstractAsyncContextManager[object]:
    return contextlib.nullcontext()


def _preview(error: ClientDecodeError) -> str:
    data = error.data
    text = data if isinstance(data, str) else repr(data)
    text = " ".join(text.split())
    return f"{error.message}: {text[:120]}" if text else error.message
