"""Delivering the outbox: at-least-once, in order per recipient, retried with backoff.

A sweep leases due rows in one short transaction (pushing their next attempt a lease ahead),
sends them with no transaction open, and records each outcome in another short transaction.
A crash mid-send leaves the row due again when its lease runs out, so nothing is lost; two
instances never take the same row (the lease, and ``SKIP LOCKED`` on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.messages import PermanentFailure, RetryLater, Sender, reply_from_payload
from core.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_FAILED_ATTEMPTS = 20  # with the backoff below: about an hour and a half of trying
UNCONFIGURED_CHANNEL_DELAY = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at 5 minutes, with ±20 % jitter so retries do not stampede."""
    base = min(2.0 ** max(attempts, 1), 300.0)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


@dataclass(frozen=True, slots=True)
class SweepResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class OutboxWorker:
    """Runs delivery sweeps; the scheduler calls :meth:`sweep` every second and bots may
    :meth:`kick` it right after a commit so replies go out without waiting for the tick."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        senders: Mapping[str, Sender],
        *,
        batch: int = 100,
        parallel: int = 8,
    ) -> None:
        self._uow = uow_factory
        self._senders = senders  # shared: channels register their sender as they start
        self._batch = batch
        self._parallel = asyncio.Semaphore(parallel)
        self._running = asyncio.Lock()
        self._again = False
        self._tasks: set[asyncio.Task[SweepResult]] = set()  # keep kicked sweeps referenced

    def kick(self) -> None:
        """Sweep now; if a sweep is running, it makes one more pass when it ends."""
        if self._running.locked():
            self._again = True
            return
        task = asyncio.get_running_loop().create_task(self.sweep())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def sweep(self) -> SweepResult:
        if self._running.locked():
            self._again = True
            return SweepResult()
        async with self._running:
            total = SweepResult()
            while True:
                self._again = False
                result, claimed = await self._sweep_once()
                total = SweepResult(
                    total.sent + result.sent,
                    total.retried + result.retried,
                    total.failed + result.failed,
                )
                if claimed < self._batch and not self._again:
                    return total

    async def _sweep_once(self) -> tuple[SweepResult, int]:
        async with self._uow() as uow:
            now = uow.clock.now()
            due = await uow.outbox.claim_due(now=now, limit=self._batch)
            for message in due:
                message.next_attempt_at = now + LEASE
            await uow.commit()
        by_recipient: dict[tuple[str, str], list[OutboxMessage]] = {}
        for message in due:
            by_recipient.setdefault((message.channel, message.recipient), []).append(message)
        outcomes = await asyncio.gather(
            *(self._deliver_in_order(batch) for batch in by_recipient.values())
        )
        result = SweepResult(*(sum(o[i] for o in outcomes) for i in range(3)))
        return result, len(due)

    async def _deliver_in_order(self, messages: list[OutboxMessage]) -> tuple[int, int, int]:
        sent = retried = failed = 0
        async with self._parallel:
            for index, message in enumerate(messages):
                outcome = await self._deliver(message)
                if outcome == "sent":
                    sent += 1
                    continue
                if outcome == "failed":
                    failed += 1
                    continue
                retried += 1
                # Keep the order: everything after a postponed message waits for it.
                await self._postpone_rest(message, messages[index + 1 :])
                break
        return sent, retried, failed

    async def _deliver(self, message: OutboxMessage) -> str:
        sender = self._senders.get(message.channel)
        async with self._uow() as uow:
            now = uow.clock.now()
            edit_ref = message.edit_ref or (
                await uow.outbox.last_ref(message.edit_key) if message.edit_key else None
            )
            reply_to = message.reply_to_ref or (
                await uow.outbox.last_ref(message.reply_to_key) if message.reply_to_key else None
            )
        if sender is None:
            return await self._record(
                message,
                retry_at=now + UNCONFIGURED_CHANNEL_DELAY,
                error=f"channel {message.channel!r} is not configured",
                counts=False,
            )
        try:
            ref = await sender.deliver(
                recipient=message.recipient,
                reply=reply_from_payload(message.payload),
                edit_message_ref=edit_ref,
                reply_to_ref=reply_to,
            )
        except RetryLater as wait:
            delay = (
                timedelta(seconds=wait.after_seconds)
                if wait.after_seconds
                else backoff(message.attempts + 1)
            )
            return await self._record(
                message, retry_at=now + delay, error=str(wait), counts=wait.after_seconds is None
            )
        except PermanentFailure as refused:
            return await self._record(message, error=str(refused), final=True)
        except Exception as crash:  # noqa: BLE001 - a bug in one sender must not stop the sweep
            log.exception("outbox message %s: sender crashed", message.id)
            return await self._record(
                message,
                retry_at=now + backoff(message.attempts + 1),
                error=f"{type(crash).__name__}: {crash}",
            )
        return await self._record(message, platform_ref=ref)

    async def _record(
        self,
        message: OutboxMessage,
        *,
        platform_ref: str | None = None,
        retry_at: object = None,
        error: str | None = None,
        final: bool = False,
        counts: bool = True,
    ) -> str:
        async with self._uow() as uow:
            now = uow.clock.now()
            row = await uow.outbox.get(message.id)  # type: ignore[arg-type]
            assert row is not None
            if error is None:
                row.state, row.platform_ref, row.sent_at, row.last_error = (
                    OutboxState.SENT,
                    platform_ref,
                    now,
                    None,
                )
                outcome = "sent"
            else:
                row.attempts += 1 if counts else 0
                row.last_error = error[:1000]
                if final or row.attempts >= MAX_FAILED_ATTEMPTS:
                    row.state = OutboxState.FAILED
                    log.warning("outbox message %s failed for good: %s", row.id, error)
                    outcome = "failed"
                else:
                    row.next_attempt_at = retry_at  # type: ignore[assignment]
                    outcome = "retry"
            await uow.commit()
            message.attempts, message.next_attempt_at = row.attempts, row.next_attempt_at
            return outcome

    async def _postpone_rest(self, failed: OutboxMessage, rest: list[OutboxMessage]) -> None:
        assert failed.id is not None and failed.next_attempt_at is not None
        async with self._uow() as uow:
            for leased in rest:  # ours until the lease ends: hand them back to wait behind `failed`
                row = await uow.outbox.get(leased.id)  # type: ignore[arg-type]
                if row is not None:
                    row.next_attempt_at = failed.next_attempt_at
            await uow.outbox.postpone_recipient(
                channel=failed.channel,
                recipient=failed.recipient,
                after_id=failed.id,
                until=failed.next_attempt_at,
            )
            await uow.commit()
