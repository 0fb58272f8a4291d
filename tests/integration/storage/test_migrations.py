"""Migrations go up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage import migrate, ticket_numbers
from storage.database import create_engine
from storage.tables import counters, include_object_for, metadata


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def _drift(url: str) -> list[object]:
    engine = create_engine(url)

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": include_object_for(connection.dialect.name),
            },
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        diff = await connection.run_sync(compare)
    await engine.dispose()
    return diff


async def test_upgrade_downgrade_upgrade(empty_db_url: str) -> None:
    expected = {table.name for table in metadata.sorted_tables}
    await migrate.upgrade(empty_db_url)
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision()
    assert expected <= await _tables(empty_db_url)

    await migrate.downgrade(empty_db_url, "base")
    assert await migrate.current_revision(empty_db_url) is None
    assert await _tables(empty_db_url) <= {"alembic_version"}

    await migrate.upgrade(empty_db_url)
    assert expected <= await _tables(empty_db_url)
    await migrate.upgrade(empty_db_url)  # already at head: nothing to do, no error
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision()


async def test_models_and_migrations_do_not_drift(empty_db_url: str) -> None:
    await migrate.upgrade(empty_db_url)
    assert await _drift(empty_db_url) == [], "models and migrations differ: write a migration"


async def test_drift_check_can_fail(empty_db_url: str) -> None:
    """The drift check notices a difference (so the test above can fail)."""
    await migrate.upgrade(empty_db_url)
    engine = create_engine(empty_db_url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("ALTER TABLE people ADD COLUMN nickname VARCHAR(20)")
    await engine.dispose()
    diff = await _drift(empty_db_url)
    assert any("nickname" in repr(item) for item in diff)


async def test_ticket_numbers_continue_across_the_sequence_migration(empty_db_url: str) -> None:
    """0020 moves PostgreSQL's ticket numbers from the counter row to a sequence (SQLite keeps
    the row): the next ticket follows the last one given before, up and down again."""
    await migrate.upgrade(empty_db_url, "0019")
    engine = create_engine(empty_db_url)
    async with engine.begin() as connection:
        await connection.execute(counters.insert().values(name="ticket", value=1500))
    await migrate.upgrade(empty_db_url)
    async with AsyncSession(engine) as session, session.begin():
        assert await ticket_numbers.next_number(session) == 1501
    await migrate.downgrade(empty_db_url, "0019")
    async with engine.connect() as connection:
        kept = await connection.scalar(select(counters.c.value).where(counters.c.name == "ticket"))
    await engine.dispose()
    assert kept == 1501
