"""What PostgreSQL backends wait for during a bench run: pg_stat_activity sampled every 10 ms.

Each sample looks at the bench database's active sessions and counts, per (wait event, kind
of statement), how many were waiting. A lock wait on a hot row shows as ``Lock/transactionid``
(waiting for another transaction to end) on the statement that wants the row.

    async with LockWaits(url) as waits:
        ...  # the measured part
    print(waits.summary())
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.db_meter import statement_kind

EVERY_S = 0.01
QUERY = """
SELECT wait_event_type, wait_event, query FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
"""


class LockWaits:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.samples = 0
        self.active = 0
        self.waiting: Counter[str] = Counter()
        self.running: Counter[str] = Counter()  # active, not waiting: on a CPU or about to be
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LockWaits:
        self._connection = await asyncpg.connect(
            host=self.url.host or "127.0.0.1",
            port=self.url.port or 5432,
            user=self.url.username or "postgres",
            password=self.url.password,
            database=self.url.database,
        )
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._connection.close()

    async def _sample(self) -> None:
        while True:
            rows = await self._connection.fetch(QUERY)
            self.samples += 1
            self.active += len(rows)
            for kind, event, query in rows:
                what = statement_kind(query or "")
                if kind is not None and kind != "Client":
                    self.waiting[f"{kind}/{event} on {what}"] += 1
                else:
                    self.running[what] += 1
            await asyncio.sleep(EVERY_S)

    def figures(self) -> dict[str, Any]:
        """Mean sessions active and waiting per sample, and what the waits were on."""
        n = max(self.samples, 1)
        locks = sum(v for k, v in self.waiting.items() if k.startswith("Lock/"))
        return {
            "pg samples": self.samples,
            "pg sessions active": round(self.active / n, 2),
            "pg sessions in lock wait": round(locks / n, 2),
            "pg waits (sessions/sample)": ", ".join(
                f"{k} {v / n:.2f}" for k, v in self.waiting.most_common(6)
            )
            or "none",
            "pg running (sessions/sample)": ", ".join(
                f"{k} {v / n:.2f}" for k, v in self.running.most_common(4)
            ),
        }
