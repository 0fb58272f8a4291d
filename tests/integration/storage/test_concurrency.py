"""Correct under concurrency, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.enums import Role, TicketStatus
from core.errors import AlreadyClaimed
from core.services import tickets, workflow
from storage.unit_of_work import Database
from tests.support.desk import make_person, open_ticket


async def test_twenty_concurrent_claims_have_exactly_one_winner(db: Database) -> None:
    requester = await make_person(db, "Rita")
    agents = [
        await make_person(db, f"Agent {i}", role=Role.AGENT, external_id=str(500 + i))
        for i in range(20)
    ]
    number = await open_ticket(db, requester)

    async def claim(agent):  # type: ignore[no-untyped-def]
        async with db.uow() as uow:
            try:
                await workflow.claim(uow, actor=agent, number=number)
            except AlreadyClaimed as refused:
                return refused
            await uow.commit()
            return agent

    results = await asyncio.gather(*(claim(agent) for agent in agents))
    winners = [r for r in results if not isinstance(r, AlreadyClaimed)]
    refusals = [r for r in results if isinstance(r, AlreadyClaimed)]
    assert len(winners) == 1 and len(refusals) == 19
    winner = winners[0].person.display_name
    assert all(str(r) == f"Ticket #{number} is already claimed by {winner}." for r in refusals)
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.assignee_id == winners[0].id
        assert ticket.status is TicketStatus.ASSIGNED
        claims = [a for a in await uow.history.audit(ticket.id) if a.action == "claimed"]
        assert len(claims) == 1


async def test_two_hundred_concurrent_creations_get_distinct_increasing_numbers(
    db: Database,
) -> None:
    requester = await make_person(db, "Rita")

    async def create(i: int) -> int:
        async with db.uow() as uow:
            ticket = await tickets.open_ticket(
                uow,
                actor=requester,
                request=tickets.NewTicket(title=f"Request {i}", description="details"),
            )
            await uow.commit()
            return ticket.number

    numbers = await asyncio.gather(*(create(i) for i in range(200)))
    assert len(set(numbers)) == 200
    assert sorted(numbers) == list(range(1001, 1201))
    async with db.uow() as uow:
        stored = await uow.tickets.search(limit=500)
        assert sorted(t.number for t in stored) == sorted(numbers)


async def test_a_ticket_number_does_not_wait_for_another_open_creation(
    db: Database, backend: str
) -> None:
    """PostgreSQL: two intakes creating tickets at once do not queue for one counter row. The
    first keeps its transaction open while the second takes a number, creates and commits.
    (SQLite has one writer at a time by design: the second waits there for the write lock.)"""
    if backend == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time")
    requester = await make_person(db, "Rita")

    def request(title: str) -> tickets.NewTicket:
        return tickets.NewTicket(title=title, description="details")

    async with db.uow() as first:
        held = await tickets.open_ticket(first, actor=requester, request=request("Held open"))

        async def second() -> int:
            async with db.uow() as uow:
                ticket = await tickets.open_ticket(uow, actor=requester, request=request("Next"))
                await uow.commit()
                return ticket.number

        number = await asyncio.wait_for(second(), timeout=10)
        await first.commit()
    assert {held.number, number} == {1001, 1002}
