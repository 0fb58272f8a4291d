"""Shared fixtures: every test that takes ``db`` runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from ``CHATDESK_TEST_POSTGRES_URL`` (default: the local server, database
``test``). Each test run creates its own database there and drops it afterwards. Without a
reachable server the PostgreSQL half is skipped with the reason, unless
``CHATDESK_TEST_REQUIRE_POSTGRES=1`` (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kb.encoder import Encoder, load_default_encoder
from storage.tables import metadata
from storage.unit_of_work import Database
from tests.support.clock import FakeClock

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
REPO_ROOT = Path(__file__).resolve().parents[1]


def _run_sync(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion from sync code, even when a loop is already running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def _pg_base_url() -> str:
    return os.environ.get("CHATDESK_TEST_POSTGRES_URL", DEFAULT_PG_URL)


async def pg_admin(sql: str) -> None:
    import asyncpg

    url = make_url(_pg_base_url())
    connection = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    name = f"chatdesk_test_{uuid.uuid4().hex[:10]}"
    try:
        _run_sync(pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means "no PostgreSQL here"
        message = f"PostgreSQL not reachable at {_pg_base_url()} ({type(exc).__name__}: {exc})"
        if os.environ.get("CHATDESK_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message}, and CHATDESK_TEST_REQUIRE_POSTGRES=1 demands it")
        pytest.skip(f"{message}: PostgreSQL half skipped")
    yield make_url(_pg_base_url()).set(database=name).render_as_string(hide_password=False)
    _run_sync(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url: str) -> str:
    async def create() -> None:
        database = Database(postgres_url)
        async with database.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        await database.dispose()

    _run_sync(create())
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database (schema only) on the current backend; no migrations involved."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'chatdesk.db'}"
    return str(request.getfixturevalue("_postgres_schema"))


@pytest.fixture
async def empty_db_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A database of its own with no tables at all (for migrations and the CLI, which migrate
    by themselves), so the shared test schema stays intact."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    base = make_url(request.getfixturevalue("postgres_url"))
    name = f"{base.database}_{uuid.uuid4().hex[:6]}"
    await pg_admin(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(db_url: str, backend: str, clock: FakeClock) -> AsyncIterator[Database]:
    database = Database(db_url, clock=clock)
    async with database.engine.begin() as connection:
        if backend == "sqlite":
            await connection.run_sync(metadata.create_all)
        else:
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The knowledge base's sentence encoder, loaded once per test session (~1 s, ~120 MB).
    It ships with chatdesk as a runtime dependency, so failing to load it fails the test."""
    return load_default_encoder()
