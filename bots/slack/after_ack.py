"""The work that follows a Slack ack, run a few items at a time so that acks keep the loop.

Slack wants every request answered within 3 s, and chatdesk answers before doing anything
(Bolt's ``process_before_response``: a listener acks, hands its work here and returns, and the
answer goes out at once). The acks share one event loop with that work, so the work is what
decides how soon an ack gets its turn: with every request's work running at once, each step of
an ack (reading the request, answering it) waits behind a step of every one of them.
Here at most :data:`AT_ONCE` items run; the rest wait in arrival order, costing the loop nothing.

An item that opens a modal is *urgent*: a ``trigger_id`` lives 3 s, so it starts at once
instead of queueing. A failure is logged with what failed; it stops nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
AT_ONCE = 8
"""Items running at the same time (urgent ones aside). Most of an item's time is spent waiting
for Slack's Web API or for its conversation's turn, so a few more than the engine's own limit
(``PROCESSING_AT_ONCE``) keep it fed."""

Work = Coroutine[Any, Any, object]


class AfterAck:
    def __init__(self, *, at_once: int = AT_ONCE) -> None:
        self.at_once = at_once
        self._waiting: deque[tuple[str, Work]] = deque()
        self._running: set[asyncio.Task[None]] = set()
        self._queued_running = 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def later(self, what: str, work: Work, *, urgent: bool = False) -> None:
        """Run ``work`` after the ack; ``what`` names it in the log should it fail."""
        if urgent:
            self._start(what, work, counted=False)
            return
        self._waiting.append((what, work))
        self._start_more()

    def _start_more(self) -> None:
        while self._waiting and self._queued_running < self.at_once:
            what, work = self._waiting.popleft()
            self._start(what, work, counted=True)

    def _start(self, what: str, work: Work, *, counted: bool) -> None:
        if counted:
            self._queued_running += 1
        task = asyncio.create_task(self._run(what, work, counted=counted))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, what: str, work: Work, *, counted: bool) -> None:
        try:
            await work
        except Exception:
            log.exception("slack: %s failed after its ack", what)
        finally:
            if counted:
                self._queued_running -= 1
                self._start_more()

    async def stop(self, *, grace: float = 5.0) -> None:
        """Let the work in hand finish (up to ``grace`` seconds), then cancel what is left."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                while self._running:  # a waiting item starts as a running one ends
                    await asyncio.wait(set(self._running))
        while self._waiting:
            what, work = self._waiting.popleft()
            work.close()
            log.warning("slack: %s was acknowledged but not handled before shutdown", what)
        for task in list(self._running):
            task.cancel()
        if self._running:
            await asyncio.wait(set(self._running))
