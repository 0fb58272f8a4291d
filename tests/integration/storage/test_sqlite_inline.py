"""SQLite run on the event loop's thread (storage.sqlite_inline): while another process holds
the database's write lock, a unit of work waits for it without stopping the loop, then goes
on; a rolled-back unit of work leaves nothing behind."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.sqlite_inline import InlineConnection
from storage.tables import metadata
from storage.unit_of_work import Database


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with db.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return db


async def test_the_file_database_runs_inline(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
    await database.dispose()


async def test_a_writer_waits_for_another_process_lock_without_blocking_the_loop(
    database: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # what another chatdesk process or the CLI would hold
    other.execute("INSERT INTO processed_events VALUES ('cli', 'k0', '2026-01-01 00:00:00')")

    async def write() -> None:
        async with database.uow() as uow:
            assert await uow.inbound.first_time("telegram", "update:1", now=uow.clock.now())
            await uow.commit()

    writer = asyncio.create_task(write())
    for _ in range(20):  # the loop goes on running other work meanwhile
        await asyncio.sleep(0.005)
    # Neither through nor failed: waiting for the lock (SQLite's own busy handler would have
    # held the whole loop here, and no busy handler at all would have failed at once).
    assert not writer.done()

    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writer, timeout=30)
    async with database.uow() as uow:
        rows = await uow.session.execute(text("SELECT event_key FROM processed_events"))
        assert sorted(rows.scalars()) == ["k0", "update:1"]
    await database.dispose()


async def test_a_rolled_back_unit_of_work_writes_nothing(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.inbound.first_time("telegram", "update:7", now=uow.clock.now())
    async with database.uow() as uow:  # the first one ended without commit
        assert await uow.inbound.first_time("telegram", "update:7", now=uow.clock.now())
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.inbound.first_time("telegram", "update:7", now=uow.clock.now())
    await database.dispose()


async def test_off_the_hot_path_statements_run_on_a_worker_thread(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.create_function("thread_id", 0, threading.get_ident)  # type: ignore[union-attr]
    loop_thread = threading.get_ident()
    async with database.uow() as uow:
        assert await uow.session.scalar(text("SELECT thread_id()")) == loop_thread
    async with database.uow(offload=True) as uow:
        assert await uow.session.scalar(text("SELECT thread_id()")) != loop_thread
        assert await uow.inbound.first_time("telegram", "update:9", now=uow.clock.now())
        await uow.commit()
    async with database.uow() as uow:  # the same connection, back on the loop's thread
        assert await uow.session.scalar(text("SELECT thread_id()")) == loop_thread
        assert not await uow.inbound.first_time("telegram", "update:9", now=uow.clock.now())
    await database.dispose()
