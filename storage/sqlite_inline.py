"""SQLite run on the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

aiosqlite sends every call (cursor, execute, fetch, close, commit) to a thread of its own and
back: three to four hops per statement, each a wake-up of both threads that waits for the GIL
while the loop is busy. A statement on a local SQLite file takes tens of microseconds, so under
load those hops cost far more than the work, and the one connection sits idle but held
(measured in ``bench/telegram_throughput.py --meter``). Here the same calls run directly.

Running inline, a unit of work would keep the loop from everything else (acks, other chats'
HTTP) until it next waits for the network. So once a transaction has run :data:`SLICE_S`, its
next statement first lets the loop run other ready tasks once.

What this must not do either is block the loop while another process holds the database's write lock.
So SQLite's own busy handler is off (``busy_timeout=0``) and a statement that finds the
database locked *outside a transaction* (that is our ``BEGIN IMMEDIATE``, the only statement
that takes the write lock; WAL readers never wait) is retried after an ``asyncio.sleep``, with
a growing pause, for up to the same 30 s the busy timeout gave. Inside a transaction we hold the
write lock already, so a lock error there is real and is raised.

A statement that may run long (a report over years of tickets, an admin list) would stall
every bot on the loop meanwhile. Work that is not on the bots' hot path therefore asks for
``OFFLOAD`` (see :meth:`storage.unit_of_work.Database.uow`): its statements and fetches run on a
worker thread, as aiosqlite would run them, while the loop goes on.

The class mirrors the part of aiosqlite's API that SQLAlchemy's adapter calls, nothing more.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from typing import Any

OFFLOAD = "sqlite_offload"
"""Execution option: run this statement on a worker thread (see the module's docstring)."""
SQLITE_BUSY = 5
SLICE_S = 0.005
"""How long a transaction's statements (and the Python between them) may keep the loop to
itself: past that, its next statement first lets other tasks run (an HTTP ack, say). Each
such pause leaves the one connection idle, so not much shorter."""
FIRST_PAUSE_S = 0.001
LONGEST_PAUSE_S = 0.05


class InlineCursor:
    def __init__(self, connection: InlineConnection) -> None:
        self._owner = connection
        self._cursor = connection._conn.cursor()
        self._offloaded = False

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        self._offloaded = self._owner.offload
        await self._owner._run(self._cursor.execute, sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._offloaded = self._owner.offload
        await self._owner._run(self._cursor.executemany, sql, parameters)
        return self

    async def _fetch(self, call: Callable[..., Any], *args: Any) -> Any:
        if self._offloaded:  # SQLite produces the rows as they are fetched
            return await asyncio.to_thread(call, *args)
        return call(*args)

    async def fetchone(self) -> Any:
        return await self._fetch(self._cursor.fetchone)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self._cursor.arraysize if size is None else size
        return list(await self._fetch(self._cursor.fetchmany, size))

    async def fetchall(self) -> list[Any]:
        return list(await self._fetch(self._cursor.fetchall))

    async def close(self) -> None:
        self._cursor.close()


class _Immediate:
    """aiosqlite's queue to its thread, as SQLAlchemy's adapter uses it to set the isolation
    level: here the function runs at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to whoever awaits the future
            future.set_exception(error)


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection, *, lock_wait_s: float) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn  # aiosqlite's "still open" flag
        self._tx = _Immediate()
        self._lock_wait_s = lock_wait_s
        self.offload = False  # set per statement from the OFFLOAD execution option
        self._slice_began = time.perf_counter()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def _run(self, call: Callable[..., Any], sql: str, parameters: Any) -> None:
        if not self._conn.in_transaction:
            # A transaction begins after its unit of work waited for the connection: a fresh slice.
            self._slice_began = time.perf_counter()
        elif time.perf_counter() - self._slice_began > SLICE_S:
            await asyncio.sleep(0)  # between statements: the transaction goes on right after
            self._slice_began = time.perf_counter()
        if self.offload:
            call = functools.partial(asyncio.to_thread, call)
        else:
            call = functools.partial(_now, call)
        if self._conn.in_transaction:
            await call(sql, parameters)
            return
        deadline = time.monotonic() + self._lock_wait_s
        pause = FIRST_PAUSE_S
        while True:
            try:
                await call(sql, parameters)
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_S)

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = self.cursor()
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


async def _now(call: Callable[..., Any], *args: Any) -> Any:
    return call(*args)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == SQLITE_BUSY)
    return "database is locked" in str(error)


def inline_connector(path: str, *, lock_wait_s: float) -> Callable[[], Any]:
    """An ``async_creator`` for :func:`sqlalchemy.ext.asyncio.create_async_engine`."""

    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may close a connection from the garbage collector.
        conn = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        return InlineConnection(conn, lock_wait_s=lock_wait_s)

    return connect
