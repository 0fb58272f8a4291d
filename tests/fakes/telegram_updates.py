"""Update delivery of the fake Bot API: the pending queue, long polling, webhook settings."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.telegram_objects import ApiError
from tests.fakes.waiting import ChangeSignal


class UpdateQueue:
    """Updates wait here until a getUpdates call with a higher offset confirms them."""

    def __init__(self, signal: ChangeSignal) -> None:
        self.signal = signal
        self.pending: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []  # every update pushed, confirmed or not
        self.push_times: dict[int, float] = {}  # update_id -> perf_counter() at first push
        self.webhook: dict[str, Any] | None = None
        self.closing = False
        self._ids = itertools.count(1)
        self._generation = 0
        self._allowed: list[str] = []

    def push(self, update: dict[str, Any]) -> int:
        if "update_id" not in update:
            update = {"update_id": next(self._ids)} | update
        else:
            self._ids = itertools.count(max(update["update_id"] + 1, next(self._ids)))
        self.push_times.setdefault(update["update_id"], time.perf_counter())
        self.pending.append(update)
        self.log.append(update)
        self.signal.notify()
        return int(update["update_id"])

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if isinstance(params.get("allowed_updates"), list):
            self._allowed = params["allowed_updates"]  # Telegram remembers the last list
        limit = max(1, min(100, int(params.get("limit") or 100)))
        self._generation += 1
        generation = self._generation

        def ready() -> bool:
            self._drop_not_allowed()
            return bool(self.pending) or self.closing or generation != self._generation

        await self.signal.wait_until(ready, float(params.get("timeout") or 0))
        if generation != self._generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return [dict(u) for u in self.pending[:limit]]

    def _drop_not_allowed(self) -> None:
        if self._allowed:
            allowed = {*self._allowed, "update_id"}
            self.pending = [u for u in self.pending if set(u) <= allowed]

    def set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {k: v for k, v in params.items() if k != "certificate"}
        self._maybe_drop(params)
        return True

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        self._maybe_drop(params)
        return True

    def webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        url = (self.webhook or {}).get("url", "")
        return {
            "url": url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }

    def _maybe_drop(self, params: dict[str, Any]) -> None:
        if params.get("drop_pending_updates"):
            self.pending.clear()

    def close(self) -> None:
        self.closing = True
        self.signal.notify()
