"""People and database reads shared by the Telegram end-to-end tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.domain.entities import OutboxMessage, Ticket
from core.domain.enums import Role
from storage import tables
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk
from tests.support.desk import make_groups, make_person

RITA = TgUser(id=501, first_name="Rita", language_code="en")
ALICE = TgUser(id=11, first_name="Alice", username="alice")


async def staffed_desk(db: Database, fake: FakeTelegramServer, **settings: Any) -> TelegramDesk:
    """A running desk with the network category and Alice as an agent."""
    await make_groups(db)
    await make_person(db, "Alice", role=Role.AGENT, external_id=str(ALICE.id), username="alice")
    return await TelegramDesk(db, fake, **settings).start()


async def all_tickets(db: Database) -> list[Ticket]:
    async with db.uow() as uow:
        return await uow.tickets.search(limit=1000)


async def ticket_count(db: Database) -> int:
    return len(await all_tickets(db))


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.uow() as uow:
        query = select(OutboxMessage).order_by(tables.outbox.c.id)
        return list((await uow.session.execute(query)).scalars())


async def processed_keys(db: Database) -> list[str]:
    async with db.uow() as uow:
        query = select(tables.processed_events.c.event_key)
        return list((await uow.session.execute(query)).scalars())
