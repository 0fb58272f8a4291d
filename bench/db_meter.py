"""Where a bench's database time goes: statements, transactions, driver round trips, and time
inside the database against time outside it.

Attach to a :class:`storage.unit_of_work.Database` before the measured part, read the figures
after. It hooks SQLAlchemy's engine events (statements, connection check-out/in, begin/commit)
and, on SQLite, counts aiosqlite's hops to its database thread (each ``await`` on the driver is
one). The hooks cost a little themselves; the figures are for reading where the time goes, the
bench's updates/s for the speed.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from sqlalchemy import event

from storage.unit_of_work import Database


class DbMeter:
    def __init__(self, database: Database) -> None:
        self.statements: Counter[str] = Counter()
        self.statement_seconds = 0.0
        self.seconds_by_kind: Counter[str] = Counter()
        self.transactions = 0
        self.checkouts = 0
        self.held_seconds = 0.0
        self.round_trips = 0
        self.samples: dict[str, Any] = {}  # statement -> its first parameters (for EXPLAIN)
        self._started: dict[int, float] = {}
        self._checked_out: dict[int, float] = {}
        self._on = False
        self._unpatch: list[Any] = []
        engine = database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "begin", self._begin)
        event.listen(engine.pool, "checkout", self._checkout)
        event.listen(engine.pool, "checkin", self._checkin)
        if engine.dialect.name == "sqlite":
            self._count_aiosqlite_hops()

    def start(self) -> None:
        self._on = True
        self._wall = time.perf_counter()

    def stop(self) -> None:
        self._on = False
        self.wall_seconds = time.perf_counter() - self._wall
        for undo in self._unpatch:
            undo()

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self._on:
            self._started[id(_cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is None or not self._on:
            return
        took = time.perf_counter() - started
        self.statement_seconds += took
        kind = statement_kind(statement)
        self.statements[kind] += 1
        self.seconds_by_kind[kind] += took
        if kind.split()[0] in ("SELECT", "UPDATE", "DELETE", "WITH"):
            self.samples.setdefault(statement, parameters)

    def _begin(self, _conn: Any) -> None:
        if self._on:
            self.transactions += 1

    def _checkout(self, _dbapi: Any, record: Any, _proxy: Any) -> None:
        self._checked_out[id(record)] = time.perf_counter()
        if self._on:
            self.checkouts += 1

    def _checkin(self, _dbapi: Any, record: Any) -> None:
        started = self._checked_out.pop(id(record), None)
        if started is not None and self._on:
            self.held_seconds += time.perf_counter() - started

    def _count_aiosqlite_hops(self) -> None:
        import aiosqlite.core

        original = aiosqlite.core.Connection._execute
        meter = self

        async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            if meter._on:
                meter.round_trips += 1
            return await original(self, fn, *args, **kwargs)

        aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]

        def undo() -> None:
            aiosqlite.core.Connection._execute = original  # type: ignore[method-assign]

        self._unpatch.append(undo)

    def figures(self, updates: int) -> dict[str, Any]:
        total = sum(self.statements.values())
        out: dict[str, Any] = {
            "statements/update": round(total / updates, 2),
            "transactions/update": round(self.transactions / updates, 2),
            "db ms/update": round(self.statement_seconds * 1000 / updates, 2),
            "conn held ms/update": round(self.held_seconds * 1000 / updates, 2),
            "conn held % of wall": round(100 * self.held_seconds / self.wall_seconds, 1),
        }
        if self.round_trips:
            out["driver round trips/update"] = round(self.round_trips / updates, 2)
        top = ", ".join(f"{k} {v / updates:.2f}" for k, v in self.statements.most_common(14))
        out["per update, by statement"] = top
        out["db ms/update, by statement"] = ", ".join(
            f"{k} {1000 * v / updates:.2f}" for k, v in self.seconds_by_kind.most_common(8)
        )
        return out


def statement_kind(statement: str) -> str:
    """'SELECT tickets', 'INSERT outbox', 'UPDATE conversations', 'BEGIN'..."""
    words = statement.split()
    if not words:
        return "?"
    verb = words[0].upper()
    upper = [w.upper() for w in words]
    target = ""
    for key in ("FROM", "INTO", "UPDATE"):
        if key in upper:
            i = upper.index(key)
            if (key == "UPDATE" and i == 0 or key != "UPDATE") and i + 1 < len(words):
                target = words[i + 1].strip('"(').split("(")[0]
                break
    return f"{verb} {target}".strip()
