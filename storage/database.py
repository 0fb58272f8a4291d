"""Engines for SQLite (embedded default) and PostgreSQL, with their differences handled once.

SQLite: WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction so
writers queue instead of failing with "database is locked" halfway through a use case. SQLite
runs one writer at a time and every transaction here is a writer, so a file database gets one
pooled connection: units of work queue for it on the event loop (in order, woken the moment it
is free) instead of in SQLite's busy handler, which sleeps up to 100 ms between tries while
the connection may already be free. Other processes on the same file still meet the busy timeout.
PostgreSQL: row locks (``SELECT … FOR UPDATE``) serialise writers on the same ticket.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from core.errors import ConfigurationError
from storage.sqlite_inline import OFFLOAD, InlineConnection, inline_connector

SUPPORTED_DRIVERS = {
    "sqlite+aiosqlite": "sqlite",
    "postgresql+asyncpg": "postgresql",
}
SQLITE_BUSY_TIMEOUT_S = 30


def parse_database_url(raw: str) -> URL:
    """Validate ``CHATDESK_DATABASE_URL``; a bad one raises :class:`ConfigurationError`."""
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise ConfigurationError(
            f"CHATDESK_DATABASE_URL {raw!r} is not a database URL "
            "(expected e.g. sqlite+aiosqlite:///./chatdesk.db or postgresql+asyncpg://user@host/db)."
        ) from exc
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+asyncpg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ConfigurationError(
            f"Unsupported database driver {url.drivername!r}; use one of {', '.join(SUPPORTED_DRIVERS)}."
        )
    if url.drivername.startswith("postgresql") and not url.database:
        raise ConfigurationError("CHATDESK_DATABASE_URL names no PostgreSQL database.")
    return url


def is_sqlite(url: URL | str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(raw_url: str, **options: Any) -> AsyncEngine:
    url = parse_database_url(raw_url)
    if is_sqlite(url):
        if url.database not in (None, "", ":memory:"):
            options.setdefault("pool_size", 1)
            options.setdefault("max_overflow", 0)
            options.setdefault("pool_timeout", SQLITE_BUSY_TIMEOUT_S)
        if not url.query:
            # The loop's own thread runs the statements (see storage.sqlite_inline).
            options.setdefault(
                "async_creator",
                inline_connector(url.database or ":memory:", lock_wait_s=SQLITE_BUSY_TIMEOUT_S),
            )
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **options
        )
        _tune_sqlite(engine, inline="async_creator" in options)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 20)
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **options)


def _tune_sqlite(engine: AsyncEngine, *, inline: bool) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (the driver's implicit BEGIN is DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Inline, SQLite's busy handler would block the event loop: the driver waits instead.
        busy_ms = 0 if inline else SQLITE_BUSY_TIMEOUT_S * 1000
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if inline:

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _offload(
            connection: Any, _cursor: Any, _sql: Any, _params: Any, context: Any, _many: Any
        ) -> None:
            driver = connection.connection.driver_connection
            if isinstance(driver, InlineConnection):
                options = context.execution_options if context is not None else {}
                driver.offload = bool(options.get(OFFLOAD, False))

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
