"""Per-recipient order, truly: nothing overtakes an older undelivered message to the same
recipient, whenever it was queued, and recipients never wait on each other. A claim holds
while its worker lives (PostgreSQL: row locks; SQLite: a short lease renewed while sending),
so two workers never send the same row, and a crash delays nothing for long."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.messages import Reply, RetryLater
from core.services.outbox import OutboxWorker
from storage import tables
from storage.unit_of_work import Database
from tests.integration.services.test_outbox import RecordingSender, _queue, reply_text
from tests.support.clock import FakeClock


class OutageSender(RecordingSender):
    """Refuses everything (as an unreachable Bot API) while ``down``."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.attempts: list[tuple[str, str]] = []

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        self.attempts.append((recipient, reply.plain_text()))
        if self.down:
            raise RetryLater("Cannot connect to host api.telegram.org")
        return await super().deliver(recipient=recipient, reply=reply)


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.uow() as uow:
        query = select(OutboxMessage).order_by(tables.outbox.c.id)
        return list((await uow.session.execute(query)).scalars())


async def test_an_outage_keeps_each_recipients_order_and_holds_nobody_else_back(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.supervision.random.uniform", lambda low, high: high)  # no jitter
    sender = OutageSender()
    worker = OutboxWorker(db.uow, {"telegram": sender})
    sender.down = True
    queued_at = {0: ("rita", "reply 1"), 10: ("rita", "reply 2"), 20: ("rita", "status: waiting")}
    queued_at[59] = ("bob", "hello bob")  # late in the outage: a short backoff of its own
    for second in range(61):  # 60 s of outage, swept every second as the scheduler does
        if second in queued_at:
            await _queue(db, queued_at[second])
        await worker.sweep()
        clock.advance(seconds=1)
    sender.down = False

    rita_first, rita_second, rita_status, bob = await _rows(db)
    assert sender.delivered == []
    assert (rita_second.attempts, rita_status.attempts) == (0, 0), (
        "queued behind a waiting message, they were never tried out of turn"
    )
    assert not any(text == "reply 2" for _, text in sender.attempts)
    assert bob.attempts > 0 and bob.next_attempt_at is not None
    assert rita_first.next_attempt_at is not None
    assert bob.next_attempt_at < rita_first.next_attempt_at, "the scenario: Bob's turn comes first"

    # Bob's own retry succeeds as soon as it is due, while Rita's first message still waits.
    clock.current = bob.next_attempt_at
    await worker.sweep()
    assert sender.delivered == [("bob", "hello bob")]

    clock.current = rita_first.next_attempt_at
    await worker.sweep()
    assert sender.delivered == [
        ("bob", "hello bob"),
        ("rita", "reply 1"),
        ("rita", "reply 2"),
        ("rita", "status: waiting"),
    ], "exactly once each, Rita's in the order queued"
    assert [r.state for r in await _rows(db)] == [OutboxState.SENT] * 4
    clock.advance(minutes=10)
    assert (await worker.sweep()).sent == 0


async def test_a_message_queued_after_a_failure_waits_for_the_older_one(
    db: Database, clock: FakeClock
) -> None:
    """The reported bug: a reply queued after the failure went out 55 s before older ones."""
    sender = OutageSender()
    worker = OutboxWorker(db.uow, {"telegram": sender})
    sender.down = True
    await _queue(db, ("rita", "older"))
    await worker.sweep()
    sender.down = False
    clock.advance(seconds=0.5)
    await _queue(db, ("rita", "newer"), ("bob", "other"))
    await worker.sweep()
    assert sender.delivered == [("bob", "other")]
    [older, newer, _] = await _rows(db)
    assert older.next_attempt_at is not None
    clock.current = older.next_attempt_at
    await worker.sweep()
    assert sender.delivered[1:] == [("rita", "older"), ("rita", "newer")]


async def test_a_message_that_failed_for_good_stops_holding_the_next_back(db: Database) -> None:
    from core.messages import PermanentFailure

    sender = OutageSender()
    sender.failures = [PermanentFailure("message is too long")]
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("rita", "broken"), ("rita", "fine"))
    await worker.sweep()
    assert sender.delivered == [("rita", "fine")]
    assert [r.state for r in await _rows(db)] == [OutboxState.FAILED, OutboxState.SENT]


class BlockingSender(RecordingSender):
    """Holds every send until ``release`` is set; records what was in flight together."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.in_flight: list[str] = []
        self.started = asyncio.Event()

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        self.in_flight.append(reply.plain_text())
        self.started.set()
        await self.release.wait()
        return await super().deliver(recipient=recipient, reply=reply)


async def test_a_send_longer_than_the_lease_keeps_its_rows_by_renewing(
    db: Database, clock: FakeClock
) -> None:
    slow = BlockingSender()
    lease = timedelta(seconds=3)
    first = OutboxWorker(db.uow, {"telegram": slow}, lease=lease, renew_every=0.02)
    other = RecordingSender()
    second = OutboxWorker(db.uow, {"telegram": other}, lease=lease, renew_every=0.02)
    await _queue(db, ("rita", "slow one"), ("rita", "after it"))
    sweeping = asyncio.create_task(first.sweep())
    await asyncio.wait_for(slow.started.wait(), 5)

    for _ in range(5):  # 15 s pass while the first worker is still sending
        clock.advance(seconds=3)
        await asyncio.sleep(0.1)  # a renewal happens meanwhile
        assert (await second.sweep()).sent == 0, "the leased rows are not taken over"
    slow.release.set()
    assert (await sweeping).sent == 2
    assert slow.delivered == [("rita", "slow one"), ("rita", "after it")] and other.delivered == []
    clock.advance(minutes=1)
    assert (await second.sweep()).sent == 0, "sent once"


async def test_after_a_crash_the_rows_are_sent_again(
    db: Database, clock: FakeClock, backend: str
) -> None:
    """PostgreSQL: the dead sweep's transaction ends, so its row locks go and the rows are due
    again at once. SQLite: they wait for the short lease (3 s) to run out."""
    hung = BlockingSender()
    crashed = OutboxWorker(db.uow, {"telegram": hung})
    await _queue(db, ("rita", "in flight"))
    sweeping = asyncio.create_task(crashed.sweep())
    await asyncio.wait_for(hung.started.wait(), 5)
    sweeping.cancel()  # the process dies here: nothing is recorded
    with pytest.raises(asyncio.CancelledError):
        await sweeping

    restarted = RecordingSender()
    worker = OutboxWorker(db.uow, {"telegram": restarted})
    if backend == "sqlite":
        assert (await worker.sweep()).sent == 0, "still leased for a moment"
        clock.advance(seconds=3)
    assert (await worker.sweep()).sent == 1, "sent again"
    assert restarted.delivered == [("rita", "in flight")]


async def test_an_instance_stalled_far_past_the_lease_keeps_its_rows(
    db: Database, clock: FakeClock, backend: str
) -> None:
    """PostgreSQL, several instances: one sweep stalls mid-send (as a process starved of CPU:
    not even a lease renewal runs) for a minute, twenty lease lengths; the other instance sweeps
    all along and takes nothing. When the first wakes it sends and records: each row once."""
    if backend == "sqlite":
        pytest.skip("SQLite serves one process; its claims are leases (see the test above)")
    stalled = BlockingSender()
    first = OutboxWorker(db.uow, {"telegram": stalled}, renew_every=3600)  # renews nothing
    other = RecordingSender()
    second = OutboxWorker(db.uow, {"telegram": other})
    await _queue(db, ("rita", "stalled"), ("rita", "behind it"), ("bob", "elsewhere"))
    sweeping = asyncio.create_task(first.sweep())
    await asyncio.wait_for(stalled.started.wait(), 5)

    for _ in range(20):
        clock.advance(seconds=3)  # each step, a whole lease runs out
        assert (await second.sweep()).sent == 0, "the stalled instance's rows are not taken"
    await _queue(db, ("rita", "queued meanwhile"), ("carol", "new"))
    assert (await second.sweep()).sent == 1, "others' messages go; Rita's newest waits its turn"
    assert other.delivered == [("carol", "new")]

    stalled.release.set()
    assert (await sweeping).sent == 3
    assert sorted(stalled.delivered) == [
        ("bob", "elsewhere"),
        ("rita", "behind it"),
        ("rita", "stalled"),
    ]
    assert stalled.delivered.index(("rita", "stalled")) < stalled.delivered.index(
        ("rita", "behind it")
    )
    clock.advance(minutes=1)
    assert (await second.sweep()).sent == 1
    assert other.delivered == [("carol", "new"), ("rita", "queued meanwhile")]
    assert [r.state for r in await _rows(db)] == [OutboxState.SENT] * 5, "each sent once"


async def test_workers_sweeping_together_send_each_row_once_and_in_order(
    db: Database,
) -> None:
    class Slowish(RecordingSender):
        async def deliver(self, **kwargs: object) -> str:
            await asyncio.sleep(0.002)
            return await super().deliver(**kwargs)  # type: ignore[arg-type]

    shared = Slowish()
    workers = [OutboxWorker(db.uow, {"telegram": shared}, batch=5) for _ in range(3)]
    recipients = [f"chat{n}" for n in range(6)]
    expected = {r: [f"{r} #{i}" for i in range(12)] for r in recipients}

    async def producer() -> None:
        for i in range(12):
            await _queue(db, *((r, f"{r} #{i}") for r in recipients))
            await asyncio.sleep(0.005)

    async def sweeper(worker: OutboxWorker) -> None:
        for _ in range(400):
            await worker.sweep()
            if len(shared.delivered) == 72:
                return
            await asyncio.sleep(0.002)

    await asyncio.gather(producer(), *(sweeper(w) for w in workers))
    assert len(shared.delivered) == 72, "every row sent exactly once"
    for recipient in recipients:
        got = [text for who, text in shared.delivered if who == recipient]
        assert got == expected[recipient]
    assert {reply_text(r) for r in await _rows(db)} == {t for ts in expected.values() for t in ts}


async def test_a_row_another_worker_is_claiming_holds_back_the_younger_ones(
    db: Database, backend: str
) -> None:
    """PostgreSQL: a claim in flight elsewhere has locked the older row but not leased it yet,
    so it still looks due; its younger sibling, though unlocked, must not be taken."""
    if backend == "sqlite":
        pytest.skip("SQLite runs one writing transaction at a time: no claim is ever in flight")
    await _queue(db, ("rita", "first"), ("rita", "second"), ("bob", "other"))
    async with db.uow() as elsewhere:
        query = select(OutboxMessage).where(tables.outbox.c.id == 1).with_for_update()
        assert reply_text((await elsewhere.session.execute(query)).scalar_one()) == "first"
        async with db.uow() as uow:
            claimed = await uow.outbox.claim_due(now=uow.clock.now(), limit=10)
            assert [reply_text(m) for m in claimed] == ["other"]


async def test_stopping_lets_the_sweep_in_flight_finish_and_record(db: Database) -> None:
    slow = BlockingSender()
    worker = OutboxWorker(db.uow, {"telegram": slow})
    await _queue(db, ("rita", "on its way"))
    worker.kick()
    await asyncio.wait_for(slow.started.wait(), 5)
    stopping = asyncio.create_task(worker.stop(grace=5))
    await asyncio.sleep(0.05)
    assert not stopping.done(), "waits for the send"
    slow.release.set()
    await asyncio.wait_for(stopping, 5)
    assert [r.state for r in await _rows(db)] == [OutboxState.SENT]
    await _queue(db, ("rita", "too late"))
    worker.kick()
    assert (await worker.sweep()).sent == 0, "a stopped worker takes no more work"
