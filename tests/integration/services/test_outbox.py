"""Outbox delivery: sent once, retried after failures in order, given up on permanent refusal."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.messages import PermanentFailure, Reply, RetryLater, reply_to_payload, text
from core.services.outbox import OutboxWorker
from storage import tables
from storage.unit_of_work import Database
from tests.support.clock import FakeClock


class RecordingSender:
    channel = "telegram"

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.failures: list[Exception] = []

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((recipient, reply.plain_text()))
        return f"m{len(self.delivered)}|edit={edit_message_ref}"


async def _queue(db: Database, *messages: tuple[str, str], edit_key: str | None = None) -> None:
    async with db.uow() as uow:
        for recipient, body in messages:
            uow.add(
                OutboxMessage(
                    channel="telegram",
                    recipient=recipient,
                    edit_key=edit_key,
                    payload=reply_to_payload(Reply(spans=text(body))),
                    next_attempt_at=uow.clock.now(),
                    created_at=uow.clock.now(),
                )
            )
        await uow.commit()


async def _states(db: Database) -> list[tuple[str, OutboxState, int]]:
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(select(OutboxMessage).order_by(tables.outbox.c.id))
        ).scalars()
        return [(reply_text(m), m.state, m.attempts) for m in rows]


def reply_text(message: OutboxMessage) -> str:
    spans = message.payload["spans"]
    return "".join(span[0] for span in spans)


async def test_each_message_is_sent_once(db: Database) -> None:
    sender = RecordingSender()
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("1", "a"), ("2", "b"), ("1", "c"))
    result = await worker.sweep()
    assert result.sent == 3
    assert sorted(sender.delivered) == [("1", "a"), ("1", "c"), ("2", "b")]
    assert [m for m in sender.delivered if m[0] == "1"] == [("1", "a"), ("1", "c")]
    assert (await worker.sweep()).sent == 0, "nothing is sent twice"


async def test_rate_limit_is_honoured_and_order_kept(db: Database, clock: FakeClock) -> None:
    sender = RecordingSender()
    sender.failures = [RetryLater("429", after_seconds=7)]
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("1", "first"), ("1", "second"))
    result = await worker.sweep()
    assert (result.sent, result.retried) == (0, 1)
    clock.advance(seconds=6)
    assert (await worker.sweep()).sent == 0, "retry_after is honoured"
    clock.advance(seconds=2)
    assert (await worker.sweep()).sent == 2
    assert sender.delivered == [("1", "first"), ("1", "second")]
    assert [s for _, s, _ in await _states(db)] == [OutboxState.SENT, OutboxState.SENT]


async def test_outage_is_retried_with_backoff_until_it_arrives(
    db: Database, clock: FakeClock
) -> None:
    sender = RecordingSender()
    sender.failures = [RetryLater("connection refused")] * 3
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("1", "hello"))
    for _ in range(3):
        await worker.sweep()
        clock.advance(seconds=30)
    await worker.sweep()
    assert sender.delivered == [("1", "hello")]
    assert await _states(db) == [("hello", OutboxState.SENT, 3)]


async def test_permanent_failure_stops_retrying(db: Database) -> None:
    sender = RecordingSender()
    sender.failures = [PermanentFailure("bot was blocked by the user")]
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("1", "hello"))
    assert (await worker.sweep()).failed == 1
    async with db.uow() as uow:
        row = (await uow.session.execute(select(OutboxMessage))).scalar_one()
        assert row.state is OutboxState.FAILED and "blocked" in (row.last_error or "")


async def test_edit_key_edits_the_last_sent_message(db: Database) -> None:
    sender = RecordingSender()
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("agents", "card v1"), edit_key="card:1001")
    await worker.sweep()
    await _queue(db, ("agents", "card v2"), edit_key="card:1001")
    await worker.sweep()
    async with db.uow() as uow:
        refs = [
            m.platform_ref
            for m in (
                await uow.session.execute(select(OutboxMessage).order_by(tables.outbox.c.id))
            ).scalars()
        ]
    assert refs == ["m1|edit=None", "m2|edit=m1|edit=None"]


async def test_a_card_edited_twice_in_one_sweep_edits_the_message_just_sent(
    db: Database,
) -> None:
    sender = RecordingSender()
    worker = OutboxWorker(db.uow, {"telegram": sender})
    await _queue(db, ("agents", "card v1"), ("agents", "card v2"), edit_key="card:1001")
    assert (await worker.sweep()).sent == 2
    await _queue(db, ("agents", "card v3"), edit_key="card:1001")
    await worker.sweep()
    async with db.uow() as uow:
        refs = [
            m.platform_ref
            for m in (
                await uow.session.execute(select(OutboxMessage).order_by(tables.outbox.c.id))
            ).scalars()
        ]
    assert refs == ["m1|edit=None", "m2|edit=m1|edit=None", "m3|edit=m2|edit=m1|edit=None"]


async def test_unconfigured_channel_waits_without_using_attempts(db: Database) -> None:
    worker = OutboxWorker(db.uow, {})
    await _queue(db, ("1", "hello"))
    result = await worker.sweep()
    assert result.retried == 1
    assert await _states(db) == [("hello", OutboxState.PENDING, 0)]
