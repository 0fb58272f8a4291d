"""A scratch PostgreSQL database for a benchmark: created empty, migrated, dropped afterwards.

The server is CHATDESK_BENCH_POSTGRES_URL (default: the local one the tests use).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

from sqlalchemy.engine import URL, make_url

from storage import migrate
from tests.conftest import pg_admin

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def server_url() -> URL:
    return make_url(os.environ.get("CHATDESK_BENCH_POSTGRES_URL", DEFAULT_URL))


@contextlib.asynccontextmanager
async def scratch_database(*, keep: bool = False, name: str | None = None) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database that is dropped when the block ends (unless
    ``keep``: then it is left for the next run, and for whoever drops it). ``name`` (say, the
    branch's) tells whose it is; by default it gets a random one."""
    name = name or f"chatdesk_bench_{uuid.uuid4().hex[:8]}"
    await pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = server_url().set(database=name).render_as_string(hide_password=False)
        await migrate.upgrade(url)
        yield url
    finally:
        if not keep:
            with contextlib.suppress(Exception):
                await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
