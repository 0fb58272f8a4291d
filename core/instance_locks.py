"""Work that only one instance may do at a time, however many run against one database.

Telegram allows one ``getUpdates`` consumer per bot, so of several `chatdesk run` processes
exactly one polls: the one that holds the bot's polling lock. The others stand by and one of
them takes over within seconds when the holder dies. Everything else (sweeps, the outbox,
webhooks, the admin panel) runs on every instance and shares the work through row claims.

:class:`InstanceLocks` is the port: on PostgreSQL an advisory lock held by a connection of its
own (``storage.instance_locks``); with SQLite there is one process, so :class:`SingleProcess`
grants every lock at once.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from core.supervision import Probe


class LockLost(Exception):
    """The lock was lost while held (its connection died): stop the work it guarded."""


class InstanceLocks(Protocol):
    @property
    def instance(self) -> str:
        """This process, as the logs and ``/healthz`` name it (``host:pid``)."""
        ...

    def hold(self, name: str, *, probe: Probe) -> AbstractAsyncContextManager[None]:
        """Wait until this instance holds the lock ``name`` (reporting on ``probe`` who holds it
        meanwhile), keep it while the block runs, release it after. If the lock is lost while
        held, the block is cancelled and :class:`LockLost` raised from it."""
        ...

    async def close(self) -> None:
        """Release what the locks still hold open (at shutdown)."""
        ...


def this_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class SingleProcess:
    """Every lock granted at once: one process owns the database (SQLite)."""

    def __init__(self, instance: str | None = None) -> None:
        self.instance = instance or this_instance()

    @asynccontextmanager
    async def hold(self, name: str, *, probe: Probe) -> AsyncIterator[None]:
        probe.describe(f"{name}: this instance ({self.instance}); single process, no lock")
        yield

    async def close(self) -> None:
        return None
