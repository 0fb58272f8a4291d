"""The SQLAlchemy unit of work: one session, one transaction, the repositories over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.ports import Clock, Entity, SystemClock, UnitOfWork
from storage.account_repository import SqlAccountRepository
from storage.article_version_repository import SqlArticleVersionRepository
from storage.canned_repository import SqlCannedReplyRepository
from storage.database import create_engine, session_factory
from storage.desk_repositories import SqlJobRunRepository, SqlRoutingRepository, SqlSlaRepository
from storage.report_facts import SqlReportRepository
from storage.report_tickets import forget_changes, note_changes, write_changed
from storage.repositories import (
    SqlAgentRoomRepository,
    SqlArticleRepository,
    SqlCatalogRepository,
    SqlConversationRepository,
    SqlHistoryRepository,
    SqlInboundEventRepository,
    SqlInviteRepository,
    SqlKnowledgeLogRepository,
    SqlOutboxRepository,
    SqlPeopleRepository,
    SqlStoredFileRepository,
    SqlTicketRepository,
)
from storage.sqlite_inline import OFFLOAD
from storage.tables import map_entities


class SqlUnitOfWork:
    """Use as ``async with uow_factory() as uow: ...; await uow.commit()``.

    Leaving the block without a commit rolls back, so an error writes nothing.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self.clock = clock
        self.session: AsyncSession

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._sessions()
        event.listen(self.session.sync_session, "before_flush", note_changes)
        self.tickets = SqlTicketRepository(self.session)
        self.people = SqlPeopleRepository(self.session)
        self.catalog = SqlCatalogRepository(self.session)
        self.history = SqlHistoryRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.inbound = SqlInboundEventRepository(self.session)
        self.articles = SqlArticleRepository(self.session)
        self.knowledge_log = SqlKnowledgeLogRepository(self.session)
        self.conversations = SqlConversationRepository(self.session)
        self.invites = SqlInviteRepository(self.session)
        self.rooms = SqlAgentRoomRepository(self.session)
        self.accounts = SqlAccountRepository(self.session)
        self.article_versions = SqlArticleVersionRepository(self.session)
        self.files = SqlStoredFileRepository(self.session)
        self.sla = SqlSlaRepository(self.session)
        self.routing = SqlRoutingRepository(self.session)
        self.jobs = SqlJobRunRepository(self.session)
        self.canned = SqlCannedReplyRepository(self.session)
        self.reports = SqlReportRepository(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the loaded entities
        # without expiring them, so callers can still read what a use case returned.
        await self.session.close()

    def add(self, entity: Entity) -> None:
        self.session.add(entity)

    async def flush(self) -> None:
        await self.session.flush()

    async def commit(self) -> None:
        await write_changed(self)  # the reports' summary rows of the tickets changed here
        await self.session.commit()

    async def rollback(self) -> None:
        forget_changes(self.session.sync_session)
        await self.session.rollback()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.session.begin_nested():
            yield


class Database:
    """The engine and a factory of units of work; built once per process by the entry point."""

    def __init__(self, url: str, *, clock: Clock | None = None, **engine_options: Any) -> None:
        map_entities()
        self.engine: AsyncEngine = create_engine(url, **engine_options)
        self._sessions = session_factory(self.engine)
        self._offloaded = session_factory(self.engine.execution_options(**{OFFLOAD: True}))
        self.clock = clock or SystemClock()

    def uow(self, *, offload: bool = False) -> SqlUnitOfWork:
        """``offload``: for work off the bots' hot path that may run long statements (admin
        pages, reports): on SQLite they run on a worker thread, so the bots' event loop is not
        held meanwhile (see :mod:`storage.sqlite_inline`). No difference on PostgreSQL."""
        return SqlUnitOfWork(self._offloaded if offload else self._sessions, self.clock)

    async def dispose(self) -> None:
        await self.engine.dispose()


if TYPE_CHECKING:
    # mypy checks here that the adapter satisfies the core's port (every repository included),
    # so a drift between the two fails the build rather than a use case at run time.
    _PORT: type[UnitOfWork] = SqlUnitOfWork
