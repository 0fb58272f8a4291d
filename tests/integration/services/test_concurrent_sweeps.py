"""Two instances sweeping the same clocks at the same moment: every warning, breach and
escalation happens once. Each sweeper has its own engine, as two `chatdesk run` processes do.

On PostgreSQL the two first claims are made to overlap (each waits, holding its rows, until the
other has claimed too), so the test fails unless a sweep skips the rows another one holds; on
SQLite the second sweep waits for the first one's transaction (``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.domain.entities import Ticket
from core.domain.enums import Level, SupportLine
from core.messages import reply_from_payload
from core.ports import AgentRoom
from core.services.clock_sweep import ClockSweeper
from core.services.clocks import ensure_defaults
from storage import tables
from storage.desk_repositories import SqlSlaRepository
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

TICKETS = 60
ROOM = AgentRoom("telegram", "-100", "en")


class FirstClaimsMeet:
    """Holds each of the first ``parties`` claims (rows locked, transaction open) until all of
    them have claimed: a claim that has to wait for another's rows never arrives."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.everyone = asyncio.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        claim = SqlSlaRepository.claim_due

        async def claim_then_meet(
            repository: SqlSlaRepository, *, now: datetime, limit: int
        ) -> list[Ticket]:
            tickets = await claim(repository, now=now, limit=limit)
            self.arrived += 1
            if self.arrived <= self.parties:
                if self.arrived == self.parties:
                    self.everyone.set()
                try:
                    await asyncio.wait_for(self.everyone.wait(), timeout=30)
                except TimeoutError:
                    raise AssertionError(
                        "the other sweep could not claim while this one held its rows"
                    ) from None
            return tickets

        monkeypatch.setattr(SqlSlaRepository, "claim_due", claim_then_meet)


async def _audit_counts(db: Database, action: str) -> Counter[int]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            select(tables.audit_entries.c.ticket_id, func.count())
            .where(tables.audit_entries.c.action == action)
            .group_by(tables.audit_entries.c.ticket_id)
        )
        return Counter({ticket_id: count for ticket_id, count in rows})


async def _room_notices(db: Database, marker: str) -> Counter[str]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            select(tables.outbox.c.payload).where(
                tables.outbox.c.recipient == ROOM.chat_ref, tables.outbox.c.edit_key.is_(None)
            )
        )
        texts = [reply_from_payload(payload).plain_text() for (payload,) in rows]
    return Counter(text.split("#")[1].split(" ")[0] for text in texts if marker in text)


async def _sweep_together(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, *, meet: bool
) -> list[Counter[str]]:
    if meet:
        FirstClaimsMeet(2).install(monkeypatch)
    instances = [Database(db_url, clock=clock) for _ in range(2)]
    try:
        sweepers = [ClockSweeper(instance.uow, batch=10) for instance in instances]
        return list(await asyncio.gather(*(sweeper.sweep() for sweeper in sweepers)))
    finally:
        monkeypatch.undo()
        for instance in instances:
            await instance.dispose()


async def test_two_instances_sweeping_at_once_fire_each_warning_and_breach_once(
    db: Database, db_url: str, backend: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Monday 10:00 in Berlin: open
        await uow.rooms.replace([ROOM])
        await uow.commit()
    rita = await make_person(db, "Rita", external_id="501")
    numbers = [
        await open_ticket(db, rita, category="network", impact=Level.HIGH, urgency=Level.HIGH)
        for _ in range(TICKETS)
    ]
    meet = backend == "postgresql"

    clock.advance(minutes=23)  # 75 % of the P1 response target: every warning is due
    results = await _sweep_together(db_url, clock, monkeypatch, meet=meet)
    assert sum(r["response_warning"] for r in results) == TICKETS
    if meet:
        assert all(r["response_warning"] >= 10 for r in results), "both sweeps did work"
    warned = await _audit_counts(db, "sla_warning")
    assert len(warned) == TICKETS and set(warned.values()) == {1}
    notices = await _room_notices(db, "needs a first response")
    assert sorted(notices) == sorted(str(n) for n in numbers)
    assert set(notices.values()) == {1}

    clock.advance(minutes=8)  # past the 30-minute target: breach and escalation, once each
    results = await _sweep_together(db_url, clock, monkeypatch, meet=meet)
    assert sum(r["response_breach"] for r in results) == TICKETS
    for action in ("sla_breached", "escalated"):
        counts = await _audit_counts(db, action)
        assert len(counts) == TICKETS and set(counts.values()) == {1}, action
    breaches = await _room_notices(db, "missed its first-response target")
    assert set(breaches.values()) == {1} and len(breaches) == TICKETS
    async with db.uow() as uow:
        for number in numbers:
            ticket = await uow.tickets.get(number)
            assert ticket is not None and ticket.line == SupportLine.SECOND

    again = await ClockSweeper(db.uow).sweep()
    assert sum(again.values()) == 0
