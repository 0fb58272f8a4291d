"""Ticket numbers: where each database takes the next one, in the ticket's own transaction.

PostgreSQL: ``nextval`` of a sequence. It never waits for another transaction, so intakes that
create tickets at once do not queue behind each other's commit (one counter row did: each
transaction held the row lock from its number until its commit, and under a burst most sessions
were waiting for it). A number is never handed out twice, also across a crash and between
instances; a transaction that rolls back after taking one leaves a gap in the numbering.
SQLite: one counter row bumped under the database's single write lock (no waiting beyond that
lock, and a rolled-back ticket frees its number).
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import tables as t

COUNTER = "ticket"


async def next_number(session: AsyncSession) -> int:
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        return int((await session.execute(select(t.ticket_numbers.next_value()))).scalar_one())
    bumped = await session.execute(
        update(t.counters)
        .where(t.counters.c.name == COUNTER)
        .values(value=t.counters.c.value + 1)
        .returning(t.counters.c.value)
    )
    value = bumped.scalar_one_or_none()
    if value is not None:
        return int(value)
    await session.execute(t.counters.insert().values(name=COUNTER, value=t.FIRST_TICKET_NUMBER))
    return t.FIRST_TICKET_NUMBER


async def continue_after(connection: AsyncConnection, number: int) -> None:
    """Let the next ticket be ``number + 1`` (for data written around the services: a bench's
    or a test's pre-made tickets)."""
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT setval(:sequence, :number)"),
            {"sequence": t.TICKET_NUMBERS, "number": number},
        )
        return
    await connection.execute(t.counters.delete().where(t.counters.c.name == COUNTER))
    await connection.execute(t.counters.insert().values(name=COUNTER, value=number))
