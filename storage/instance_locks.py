"""Locks only one instance holds at a time: PostgreSQL session-level advisory locks.

Each held lock lives on a connection of its own, outside the pool, in autocommit (so it never
sits idle in a transaction). PostgreSQL releases a session lock the moment its connection ends,
so when the holding process dies (even ``kill -9``: the socket closes) a waiting instance gets
it on its next try, a couple of seconds later. The holder checks its connection regularly; if
the connection breaks, the lock is gone too and the guarded work is stopped at once
(:class:`core.instance_locks.LockLost`), before another instance can start the same work.

Waiting instances try again every ``retry`` seconds with ``pg_try_advisory_lock`` and report
which instance holds the lock (its ``application_name``, set to ``chatdesk host:pid``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from core.instance_locks import InstanceLocks, LockLost, SingleProcess, this_instance
from core.supervision import Probe
from storage.database import is_sqlite, parse_database_url

log = logging.getLogger(__name__)
APPLICATION_PREFIX = "chatdesk "
_HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND l.classid = :high AND l.objid = :low"
)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name``."""
    digest = hashlib.sha256(f"chatdesk:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def instance_locks(database_url: str, *, instance: str | None = None) -> InstanceLocks:
    """The locks for this database: advisory locks on PostgreSQL, none needed on SQLite."""
    if is_sqlite(parse_database_url(database_url)):
        return SingleProcess(instance)
    return AdvisoryLocks(database_url, instance=instance)


class AdvisoryLocks:
    def __init__(
        self,
        database_url: str,
        *,
        instance: str | None = None,
        retry: float = 2.0,
        check_every: float = 2.0,
        check_timeout: float = 5.0,
    ) -> None:
        """``retry``: seconds between tries while another instance holds a lock;
        ``check_every``/``check_timeout``: how often and how patiently a holder checks that its
        connection (and so its lock) is still there."""
        self.instance = instance or this_instance()
        self.retry = retry
        self.check_every = check_every
        self.check_timeout = check_timeout
        self._engine: AsyncEngine = create_async_engine(
            parse_database_url(database_url),
            poolclass=NullPool,  # a lock's connection is closed with it, never pooled
            connect_args={
                "server_settings": {
                    "application_name": APPLICATION_PREFIX + self.instance,
                    # The server notices a holder gone silent (a cut network, a frozen host)
                    # within about 15 s and ends its session, which frees the lock.
                    "tcp_keepalives_idle": "5",
                    "tcp_keepalives_interval": "2",
                    "tcp_keepalives_count": "5",
                }
            },
        )

    def hold(self, name: str, *, probe: Probe) -> _Held:
        return _Held(self, name, probe)

    async def close(self) -> None:
        await self._engine.dispose()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as connection:
            yield await connection.execution_options(isolation_level="AUTOCOMMIT")

    async def holder(self, connection: AsyncConnection, key: int) -> str | None:
        high, low = (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF
        found = (await connection.execute(_HOLDER, {"high": high, "low": low})).scalar()
        if found is None:
            return None
        name = str(found)
        return name.removeprefix(APPLICATION_PREFIX) if name else "an unnamed session"


class _Held:
    """One hold of one lock: ``async with locks.hold(name, probe=probe): ...``."""

    def __init__(self, locks: AdvisoryLocks, name: str, probe: Probe) -> None:
        self._locks = locks
        self._name = name
        self._key = lock_key(name)
        self._probe = probe
        self._connection: contextlib.AsyncExitStack | None = None
        self._watch: asyncio.Task[None] | None = None
        self._lost: BaseException | None = None
        self._task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> None:
        self._task = asyncio.current_task()
        stack = contextlib.AsyncExitStack()
        try:
            connection = await self._wait_for_lock(stack)
        except BaseException:
            await stack.aclose()
            raise
        self._connection = stack
        log.info("%s: this instance (%s) holds the lock now", self._name, self._locks.instance)
        self._probe.describe(f"{self._name}: this instance ({self._locks.instance})")
        self._watch = asyncio.get_running_loop().create_task(self._check(connection))

    async def _wait_for_lock(self, stack: contextlib.AsyncExitStack) -> AsyncConnection:
        locks, announced = self._locks, None
        connection = await stack.enter_async_context(locks._connection())
        while True:
            got = (
                await connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
                )
            ).scalar()
            if got:
                return connection
            holder = await locks.holder(connection, self._key) or "another instance"
            if holder != announced:
                log.info(
                    "%s: held by %s; this instance (%s) stands by and takes over if it stops",
                    self._name,
                    holder,
                    locks.instance,
                )
                announced = holder
            self._probe.standby(f"{self._name}: {holder}; this instance stands by")
            await asyncio.sleep(locks.retry)

    async def _check(self, connection: AsyncConnection) -> None:
        locks = self._locks
        try:
            while True:
                await asyncio.sleep(locks.check_every)
                async with asyncio.timeout(locks.check_timeout):
                    await connection.execute(text("SELECT 1"))
        except asyncio.CancelledError:
            raise
        except Exception as lost:  # noqa: BLE001 - any failure: the lock may be gone
            log.error(
                "%s: the lock's database connection failed (%s); stopping the work it guards",
                self._name,
                lost,
            )
            self._lost = lost
            assert self._task is not None
            self._task.cancel()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        if self._connection is not None:
            try:
                async with asyncio.timeout(self._locks.check_timeout):
                    await self._connection.aclose()  # closing the session releases the lock
            except Exception:  # noqa: BLE001 - a dead connection has released it already
                log.debug("%s: closing the lock's connection failed", self._name, exc_info=True)
            log.info("%s: released by this instance (%s)", self._name, self._locks.instance)
        self._probe.describe(None)
        if self._lost is not None and exc_type is asyncio.CancelledError:
            assert self._task is not None
            if self._task.uncancel() == 0:  # cancelled by us alone, not by a stop as well
                raise LockLost(f"{self._name}: lost the lock ({self._lost})") from self._lost
