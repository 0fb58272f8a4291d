"""Delivering the outbox: in order per recipient, retried with backoff; exactly once while
the sending instance lives, at least once after it dies.

A sweep claims due rows, sends them, and records all their outcomes in one transaction.

Order: a row is taken only when no older undelivered row to the same recipient waits (see
:meth:`core.ports.OutboxRepository.claim_due`), so nothing overtakes a message that is being
retried, however long ago it was queued; other recipients are not held back.

How a claim is held depends on the database (:attr:`~core.ports.OutboxRepository.claims_stay_locked`):

- **PostgreSQL (several instances).** The rows are claimed with ``FOR UPDATE SKIP LOCKED`` in a
  transaction that stays open, on its own pooled connection, while they are sent, and the sent
  marks are committed in it. Other instances skip locked rows (and, to keep the order, every
  younger row to the same recipient). A row lock cannot expire: an instance that stalls for any
  time (a starved CPU, a long pause) still holds its rows when it wakes, sends them and records
  them; nobody else has sent them. Only when its connection ends (the process died, was
  killed, or its connection was cut, or the server's ``idle_in_transaction_session_timeout``
  fired) does PostgreSQL release the rows, and they are due again at once: a message whose
  send had gone out but whose mark had not been committed is then sent a second time. So:
  exactly once while the instance lives and keeps its connection; at least once, never lost,
  across a crash. (A send that times out after the platform took it is retried too: no platform
  takes an idempotency key.)
- **SQLite (one process).** A writing transaction locks the whole database, so it cannot stay
  open while sending. The claim commits a short lease (:data:`LEASE`, renewed while the sends
  run); a crash leaves the rows due again once it runs out. A send is skipped if the lease may
  have run out (:meth:`_Sweep.still_leased`), which only matters for a process stalled longer
  than the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.messages import PermanentFailure, RetryLater, Sender, reply_from_payload
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.services import relay_receipts
from core.supervision import Backoff

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=3)
"""SQLite: how long a claimed row stays ours without renewal; after a crash, the wait before
resending. (PostgreSQL holds claims by row lock instead.)"""
MAX_FAILED_ATTEMPTS = 20  # with the backoff below: about an hour and a half of trying
UNCONFIGURED_CHANNEL_DELAY = timedelta(minutes=5)
RETRY = Backoff(initial=2.0, maximum=300.0)


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: up to 2 s, 4 s, 8 s … capped at 5 minutes, jittered."""
    return timedelta(seconds=RETRY.delay(max(attempts, 1) - 1))


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
        lease: timedelta = LEASE,
        renew_every: float | None = None,
    ) -> None:
        """``renew_every``: seconds between lease renewals while sending (a third of the lease
        by default, so a renewal may be late twice before the lease runs out)."""
        self._uow = uow_factory
        self._senders = senders  # shared: channels register their sender as they start
        self._batch = batch
        self._lease = lease
        self._renew_every = renew_every or lease.total_seconds() / 3
        self._parallel = asyncio.Semaphore(parallel)
        self._running = asyncio.Lock()
        self._again = False
        self._tasks: set[asyncio.Task[SweepResult]] = set()  # keep kicked sweeps referenced
        self._sweeping: asyncio.Task[Any] | None = None  # whichever task runs a sweep now
        self._stopped = False

    @property
    def busy(self) -> bool:
        """A sweep is running now."""
        return self._running.locked()

    def kick(self) -> None:
        """Sweep now; if a sweep is running, it makes one more pass when it ends."""
        if self._stopped:
            return
        if self._running.locked():
            self._again = True
            return
        task = asyncio.get_running_loop().create_task(self.sweep())
        self._tasks.add(task)
        task.add_done_callback(self._kicked_sweep_done)

    def _kicked_sweep_done(self, task: asyncio.Task[SweepResult]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # The scheduled sweep reports to /healthz; a kicked one only needs its traceback.
            log.error("outbox sweep failed", exc_info=error)

    async def sweep(self) -> SweepResult:
        if self._stopped:
            return SweepResult()
        if self._running.locked():
            self._again = True
            return SweepResult()
        async with self._running:
            self._sweeping = asyncio.current_task()
            try:
                return await self._sweep_until_done()
            finally:
                self._sweeping = None

    async def stop(self, *, grace: float = 5.0) -> None:
        """Take no more work; let the sweep in flight finish for up to ``grace`` seconds, then
        cancel it. A cancelled sweep records nothing: its rows are sent again (at least once), as
        after a crash: at once on PostgreSQL (the claim's transaction rolls back), once the lease
        runs out on SQLite."""
        self._stopped = True
        try:
            async with asyncio.timeout(grace), self._running:
                return  # no sweep left running
        except TimeoutError:
            pass
        late = [task for task in (self._sweeping, *self._tasks) if task is not None]
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def _sweep_until_done(self) -> SweepResult:
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
        loop = asyncio.get_running_loop()
        async with self._uow() as uow:
            now = uow.clock.now()
            due = await uow.outbox.claim_due(now=now, limit=self._batch)
            if not due:
                return SweepResult(), 0
            keys = {key for message in due for key in _lookup_keys(message)}
            known = await uow.outbox.last_refs(keys) if keys else {}
            if uow.outbox.claims_stay_locked:
                # The rows stay locked by this transaction, held open while they are sent and
                # committed with their outcomes: no lease to run out, however long we stall.
                sweep = _Sweep(now, known, leased_until=math.inf, margin=0.0)
                outcomes = await self._deliver_all(due, sweep)
                await self._write_outcomes(uow, sweep, loaded=True)
                await uow.commit()
                return _total(outcomes), len(due)
            # The lease runs from now, not from when the (possibly slow) claim began: another
            # instance may take the rows once it ends.
            began = loop.time()
            for message in due:
                message.next_attempt_at = uow.clock.now() + self._lease
            await uow.commit()
        lease = self._lease.total_seconds()
        sweep = _Sweep(now, known, leased_until=began + lease, margin=min(0.5, lease / 6))
        renewing = loop.create_task(self._keep_leased(due, sweep))
        try:
            outcomes = await self._deliver_all(due, sweep)
        finally:
            # Stop before recording: a late renewal would overwrite the retry times recorded.
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        async with self._uow() as uow:
            await self._write_outcomes(uow, sweep)
            await uow.commit()
        return _total(outcomes), len(due)

    async def _deliver_all(
        self, due: Sequence[OutboxMessage], sweep: _Sweep
    ) -> list[tuple[int, int, int]]:
        """Send the claimed rows: each recipient's in order, recipients side by side."""
        by_recipient: dict[tuple[str, str], list[OutboxMessage]] = {}
        for message in due:
            by_recipient.setdefault((message.channel, message.recipient), []).append(message)
        return await asyncio.gather(
            *(self._deliver_in_order(batch, sweep) for batch in by_recipient.values())
        )

    async def _keep_leased(self, messages: Sequence[OutboxMessage], sweep: _Sweep) -> None:
        """Push the lease of rows being sent ahead, until cancelled."""
        ids = [message.id for message in messages if message.id is not None]
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                async with self._uow() as uow:
                    began = loop.time()
                    await uow.outbox.renew_leases(ids, until=uow.clock.now() + self._lease)
                    await uow.commit()
                sweep.leased_until = max(sweep.leased_until, began + self._lease.total_seconds())
            except Exception:  # noqa: BLE001 - the next renewal may work; recording will tell
                log.warning(
                    "could not renew the lease of %d outbox messages", len(ids), exc_info=True
                )

    async def _deliver_in_order(
        self, messages: list[OutboxMessage], sweep: _Sweep
    ) -> tuple[int, int, int]:
        sent = retried = failed = 0
        async with self._parallel:
            for index, message in enumerate(messages):
                if not sweep.still_leased():
                    # A stalled process (or renewals that failed) may have lost the rows to
                    # another instance, which sends them: sending them too would send twice.
                    log.warning(
                        "outbox: the lease of %d messages ran out before they were sent; "
                        "leaving them to the next sweep",
                        len(messages) - index,
                    )
                    break
                outcome = await self._deliver(message, sweep)
                if outcome == "sent":
                    sent += 1
                    continue
                if outcome == "failed":
                    failed += 1
                    continue
                retried += 1
                # Keep the order: everything after a postponed message waits for it.
                sweep.postponed.append((message, messages[index + 1 :]))
                break
        return sent, retried, failed

    async def _deliver(self, message: OutboxMessage, sweep: _Sweep) -> str:
        sender = self._senders.get(message.channel)
        now = sweep.now
        edit_ref = message.edit_ref or sweep.ref(message.edit_key)
        reply_to = message.reply_to_ref or sweep.ref(message.reply_to_key)
        if sender is None:
            return sweep.fail(
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
            return sweep.fail(
                message, retry_at=now + delay, error=str(wait), counts=wait.after_seconds is None
            )
        except PermanentFailure as refused:
            return sweep.fail(message, error=str(refused), final=True)
        except Exception as crash:  # noqa: BLE001 - a bug in one sender must not stop the sweep
            log.exception("outbox message %s: sender crashed", message.id)
            return sweep.fail(
                message,
                retry_at=now + backoff(message.attempts + 1),
                error=f"{type(crash).__name__}: {crash}",
            )
        await relay_receipts.mark_delivered(self._senders, message)
        return sweep.succeed(message, ref)

    async def _write_outcomes(
        self, uow: UnitOfWork, sweep: _Sweep, *, loaded: bool = False
    ) -> None:
        """Write every outcome of the sweep, to be committed in one transaction. Until it
        commits the rows stay claimed (locked or leased), so a crash in between sends them
        again (at least once, never lost).

        ``loaded``: the sweep's messages belong to ``uow`` (claimed in it), so what the sweep
        set on them is written when it flushes, each row in one UPDATE. (A second UPDATE of a
        row this transaction already changed makes PostgreSQL check its foreign key, which
        locks the ticket row until the commit: clock sweeps would skip that ticket.)"""
        now = uow.clock.now()
        if loaded:
            for message in sweep.sent_messages:
                message.sent_at = now
        elif sweep.sent:
            await uow.outbox.mark_sent(sweep.sent, at=now)
        for message in sweep.unsent:
            row = await uow.outbox.get(message.id)  # type: ignore[arg-type]
            assert row is not None
            row.attempts, row.last_error = message.attempts, message.last_error
            row.state, row.next_attempt_at = message.state, message.next_attempt_at
        for failed, rest in sweep.postponed:
            await self._postpone_rest(uow, failed, rest)
        await relay_receipts.report_failures(uow, sweep.unsent)

    async def _postpone_rest(
        self, uow: UnitOfWork, failed: OutboxMessage, rest: list[OutboxMessage]
    ) -> None:
        """Hand back the rows leased behind ``failed``: they wait for it anyway (the order rule
        in ``claim_due``), and due no earlier, sweeps need not look at them meanwhile."""
        for leased in rest:
            row = await uow.outbox.get(leased.id)  # type: ignore[arg-type]
            if row is not None:
                row.next_attempt_at = failed.next_attempt_at


def _total(outcomes: Sequence[tuple[int, int, int]]) -> SweepResult:
    return SweepResult(*(sum(o[i] for o in outcomes) for i in range(3)))


def _lookup_keys(message: OutboxMessage) -> list[str]:
    """The edit keys whose last sent message this one needs (to edit it or to reply to it)."""
    keys = []
    if message.edit_ref is None and message.edit_key:
        keys.append(message.edit_key)
    if message.reply_to_ref is None and message.reply_to_key:
        keys.append(message.reply_to_key)
    return keys


class _Sweep:
    """The outcomes of one sweep, kept in memory until they are recorded together.

    ``refs`` holds, per edit key, the newest (id, platform ref) sent under it: as stored when
    the rows were claimed, updated as this sweep sends, so a card edited twice in one sweep
    edits the message the first send created (as a per-message read of the outbox would)."""

    def __init__(
        self,
        now: datetime,
        refs: dict[str, tuple[int, str]],
        *,
        leased_until: float,
        margin: float,
    ) -> None:
        self.now = now
        self.refs = refs
        self.leased_until = leased_until  # event-loop time; renewals push it ahead
        self.margin = margin
        self.sent: list[tuple[int, str]] = []
        self.sent_messages: list[OutboxMessage] = []
        self.unsent: list[OutboxMessage] = []
        self.postponed: list[tuple[OutboxMessage, list[OutboxMessage]]] = []

    def still_leased(self) -> bool:
        """The rows are surely still ours (with a margin for the send to leave)."""
        return asyncio.get_running_loop().time() < self.leased_until - self.margin

    def ref(self, key: str | None) -> str | None:
        found = self.refs.get(key) if key else None
        return found[1] if found else None

    def succeed(self, message: OutboxMessage, platform_ref: str) -> str:
        assert message.id is not None
        self.sent.append((message.id, platform_ref))
        self.sent_messages.append(message)
        message.state, message.platform_ref, message.last_error = (
            OutboxState.SENT,
            platform_ref,
            None,
        )
        key = message.edit_key
        if key and platform_ref is not None and message.id > self.refs.get(key, (0, ""))[0]:
            self.refs[key] = (message.id, platform_ref)
        return "sent"

    def fail(
        self,
        message: OutboxMessage,
        *,
        error: str,
        retry_at: datetime | None = None,
        final: bool = False,
        counts: bool = True,
    ) -> str:
        # The row is leased to us, so the attempts read at claim time are still the stored ones.
        message.attempts += 1 if counts else 0
        message.last_error = error[:1000]
        self.unsent.append(message)
        if final or message.attempts >= MAX_FAILED_ATTEMPTS:
            message.state = OutboxState.FAILED
            log.warning("outbox message %s failed for good: %s", message.id, error)
            return "failed"
        message.next_attempt_at = retry_at
        return "retry"
