"""The outage test: sendMessage fails for 60 s (on a fake clock, so it takes seconds) while an
agent sends two replies and the system a status change. The employee receives all three exactly
once, in the order queued; another employee's message, queued meanwhile, goes out as soon as its
own retry is due, while the first employee's backlog still waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.services import tickets
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, eventually
from tests.integration.telegram.staff import ALICE, RITA, outbox_rows, staffed_desk
from tests.support.clock import FakeClock
from tests.support.desk import make_person

BOB = TgUser(id=502, first_name="Bob", language_code="en")


@pytest.fixture
async def desk(
    db: Database, fake: FakeTelegramServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TelegramDesk]:
    # The longest wait of each backoff step, so who is due first does not depend on luck.
    monkeypatch.setattr("core.supervision.random.uniform", lambda low, high: high)
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def _ticket_for_rita(db: Database) -> None:
    rita = await make_person(db, "Rita", external_id=str(RITA.id))
    async with db.uow() as uow:
        await tickets.open_ticket(
            uow,
            actor=rita,
            request=tickets.NewTicket(
                title="VPN keeps dropping",
                description="Every ten minutes",
                conversation_ref=str(RITA.id),
            ),
        )
        await uow.commit()


def _texts(desk: TelegramDesk, who: TgUser) -> list[str]:
    return [m["plain_text"] for m in desk.chat(who)]


async def _pending(db: Database, who: TgUser) -> list[OutboxMessage]:
    return [
        row
        for row in await outbox_rows(db)
        if row.recipient == str(who.id) and row.state is OutboxState.PENDING
    ]


async def _tick(desk: TelegramDesk, clock: FakeClock, seconds: int = 1) -> None:
    """Let ``seconds`` pass on the fake clock, with a whole sweep at each second."""
    for _ in range(seconds):
        clock.advance(seconds=1)
        while desk.worker.busy:  # noqa: ASYNC110 - a sweep the desk started: let it end first
            await asyncio.sleep(0.005)
        await desk.worker.sweep()


async def test_after_an_outage_each_employee_gets_everything_once_in_order(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, clock: FakeClock
) -> None:
    fake.register_chat(RITA)  # Rita pressed Start once
    await _ticket_for_rita(db)
    card = await desk.next_message(desk.room, after=0, contains="#1001")
    await desk.say(ALICE, "/claim 1001", chat=desk.room, contains="took ticket #1001")
    await desk.next_message(RITA, after=0, contains="Alice is now working on your ticket")
    before = len(desk.chat(RITA))

    fake.go_down("sendMessage")
    await fake.user_sends_text(
        ALICE,
        "First: please restart the router",
        chat=desk.room,
        reply_to_message_id=card["message_id"],
    )
    await fake.user_sends_text(ALICE, "/reply 1001 Second: and then the laptop", chat=desk.room)
    await fake.user_sends_text(ALICE, "/status 1001 waiting", chat=desk.room)

    async def rita_has_three_queued() -> bool:
        rows = await _pending(db, RITA)
        return len(rows) == 3 and rows[0].attempts == 1

    await eventually(rita_has_three_queued)
    await _tick(desk, clock, 59)
    await fake.user_sends_text(BOB, "/start")  # late in the outage: a short backoff of its own

    async def bob_tried() -> bool:
        rows = await _pending(db, BOB)
        return bool(rows) and rows[0].attempts == 1

    await eventually(bob_tried)
    await _tick(desk, clock)
    fake.come_back()  # 60 s later

    rita_rows, bob_rows = await _pending(db, RITA), await _pending(db, BOB)
    assert [r.attempts for r in rita_rows] == [rita_rows[0].attempts, 0, 0], (
        "the two younger messages were never tried out of turn"
    )
    assert rita_rows[0].attempts >= 5
    rita_due, bob_due = rita_rows[0].next_attempt_at, bob_rows[0].next_attempt_at
    assert rita_due is not None and bob_due is not None and bob_due < rita_due
    assert _texts(desk, RITA)[before:] == [] and _texts(desk, BOB) == []

    while clock.now() < bob_due:
        await _tick(desk, clock)
    await fake.wait_for(lambda: len(_texts(desk, BOB)) == 2)
    assert _texts(desk, BOB)[0] == "Hello, Bob!", "Bob's own retry went out when due"
    assert _texts(desk, RITA)[before:] == [], "while Rita's backlog still waits for its head"

    while clock.now() < rita_due:
        await _tick(desk, clock)
    await fake.wait_for(lambda: len(_texts(desk, RITA)) == before + 3)
    relayed = _texts(desk, RITA)[before:]
    assert "First: please restart the router" in relayed[0]
    assert "Second: and then the laptop" in relayed[1]
    assert "waiting" in relayed[2]
    await _tick(desk, clock, 120)
    assert len(_texts(desk, RITA)) == before + 3, "exactly once"
    assert await _pending(db, RITA) == []
