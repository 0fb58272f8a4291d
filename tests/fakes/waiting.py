"""Waiting in tests for a fake's state to change, without sleeping a fixed time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChangeSignal:
    """Wakes every waiter whenever the fake's recorded state changes. With ``poll`` it also
    re-checks every ``poll`` seconds, for conditions on state the fake does not see change
    (the app's own)."""

    def __init__(self, poll: float | None = None) -> None:
        self._event = asyncio.Event()
        self._poll = poll

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], T], seconds: float) -> T | None:
        """``predicate()``'s first truthy value, or its last value once ``seconds`` pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            event = self._event  # taken before the check, so no change can slip between
            result = predicate()
            remaining = deadline - loop.time()
            if result or remaining <= 0:
                return result
            pause = remaining if self._poll is None else min(remaining, self._poll)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), pause)
