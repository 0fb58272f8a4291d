"""Migrations go up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

from storage import migrate
from storage.database import create_engine
from storage.tables import metadata
from tests.conftest import pg_admin


@pytest.fixture
async def empty_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A database of its own with no tables at all (so the shared test schema stays intact)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    base = make_url(request.getfixturevalue("postgres_url"))
    name = f"{base.database}_mig_{uuid.uuid4().hex[:6]}"
    await pg_admin(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def _drift(url: str) -> list[object]:
    engine = create_engine(url)

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        diff = await connection.run_sync(compare)
    await engine.dispose()
    return diff


async def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    expected = {table.name for table in metadata.sorted_tables}
    await migrate.upgrade(empty_url)
    assert await migrate.current_revision(empty_url) == migrate.head_revision()
    assert expected <= await _tables(empty_url)

    await migrate.downgrade(empty_url, "base")
    assert await migrate.current_revision(empty_url) is None
    assert await _tables(empty_url) <= {"alembic_version"}

    await migrate.upgrade(empty_url)
    assert expected <= await _tables(empty_url)
    await migrate.upgrade(empty_url)  # already at head: nothing to do, no error
    assert await migrate.current_revision(empty_url) == migrate.head_revision()


async def test_models_and_migrations_do_not_drift(empty_url: str) -> None:
    await migrate.upgrade(empty_url)
    assert await _drift(empty_url) == [], "models and migrations differ: write a migration"


async def test_drift_check_can_fail(empty_url: str) -> None:
    """The drift check notices a difference (so the test above can fail)."""
    await migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("ALTER TABLE people ADD COLUMN nickname VARCHAR(20)")
    await engine.dispose()
    diff = await _drift(empty_url)
    assert any("nickname" in repr(item) for item in diff)
