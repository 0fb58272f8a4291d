"""Years of history for bench/telegram_throughput.py's growth mode, and EXPLAIN of the hot path.

:func:`fill_history` writes ``count`` past tickets (closed, from 2,000 past requesters), one
message and one audit entry each, one sent outbox row and one dedupe record each, with plain
``INSERT … SELECT`` over a generated series (``generate_series`` on PostgreSQL, a recursive CTE on
SQLite), so a million rows take seconds, not an ORM's hours.

:func:`explain` shows the plan of every distinct statement the measured run read or changed rows
with (collected by :class:`bench.db_meter.DbMeter`), with the parameters it was first run with.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from storage.unit_of_work import Database

PAST_PEOPLE = 2000


def _series(dialect: str, count: int) -> tuple[str, str]:
    """(prefix, source) for ``{prefix} INSERT INTO … SELECT … FROM {source}``; ``i`` from 1."""
    if dialect == "postgresql":
        return "", f"generate_series(1, {count}) AS s(i)"
    return f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count})", "s"


def _moment(dialect: str, minutes: str) -> str:
    """A past moment ``minutes`` (an SQL expression) after 2024-01-01, as the column stores it."""
    if dialect == "postgresql":
        return f"(timestamptz '2024-01-01 00:00:00+00' + ({minutes}) * interval '1 minute')"
    return f"datetime('2024-01-01 00:00:00', '+' || ({minutes}) || ' minutes')"


async def fill_history(database: Database, count: int) -> None:
    if count <= 0:
        return
    dialect = database.engine.dialect.name
    people_prefix, people_from = _series(dialect, PAST_PEOPLE)
    prefix, source = _series(dialect, count)
    at = _moment(dialect, "i % 900000")
    later = _moment(dialect, "i % 900000 + 90")
    async with database.engine.begin() as connection:
        first_person = (
            await connection.execute(text("SELECT COALESCE(MAX(id), 0) + 1 FROM people"))
        ).scalar_one()
        await connection.execute(
            text(
                f"{people_prefix} INSERT INTO people (display_name, role, language, is_active, "
                f"created_at) SELECT 'Past requester ' || i, 1, 'en', true, "
                f"{_moment(dialect, 'i')} FROM {people_from}"
            )
        )
        await connection.execute(
            text(
                f"{people_prefix} INSERT INTO identities (person_id, channel, external_id) "
                f"SELECT {first_person} + i - 1, 'telegram', 'past-' || i FROM {people_from}"
            )
        )
        first_ticket = (
            await connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM tickets"))
        ).scalar_one()
        await connection.execute(
            text(
                f"{prefix} INSERT INTO tickets (number, title, description, requester_id, type, "
                "priority, status, line, origin_channel, conversation_ref, created_at, "
                "updated_at, resolved_at, closed_at, sla_paused_seconds) "
                f"SELECT 100000000 + i, 'Past request ' || i, 'Something broke, ' || i, "
                f"{first_person} + (i % {PAST_PEOPLE}), 'incident', 'P3', 'closed', 1, "
                f"'telegram', 'past-' || (i % {PAST_PEOPLE}), {at}, {later}, {later}, {later}, 0 "
                f"FROM {source}"
            )
        )
        for table, columns, values in (
            (
                "ticket_messages",
                "ticket_id, author_id, kind, body, channel, created_at",
                f"{first_ticket} + i, {first_person} + (i % {PAST_PEOPLE}), 'public', "
                f"'It broke again, ' || i, 'telegram', {at}",
            ),
            (
                "audit_entries",
                "ticket_id, actor_id, action, channel, details, created_at",
                f"{first_ticket} + i, {first_person} + (i % {PAST_PEOPLE}), 'opened', "
                f"'telegram', '{{}}', {at}",
            ),
            (
                "outbox",
                "channel, recipient, payload, ticket_id, state, attempts, platform_ref, "
                "created_at, sent_at",
                f"'telegram', 'past-' || (i % {PAST_PEOPLE}), '{{}}', {first_ticket} + i, "
                f"'sent', 1, '' || i, {at}, {at}",
            ),
            (
                "processed_events",
                "channel, event_key, processed_at",
                f"'telegram', 'update:past-' || i, {at}",
            ),
        ):
            await connection.execute(
                text(f"{prefix} INSERT INTO {table} ({columns}) SELECT {values} FROM {source}")
            )
    async with database.engine.connect() as connection:
        if dialect == "postgresql":
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would have done
        else:
            await connection.exec_driver_sql("ANALYZE")
            await connection.commit()


async def explain(database: Database, statements: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(statement, plan lines) for each statement; plans only, nothing is run."""
    dialect = database.engine.dialect.name
    plans: list[tuple[str, list[str]]] = []
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        for statement, parameters in statements.items():
            if isinstance(parameters, list) and parameters and isinstance(parameters[0], tuple):
                parameters = parameters[0]  # an executemany: one row's values will do
            if dialect == "postgresql":
                rows = await raw.driver_connection.fetch(  # type: ignore[union-attr]
                    f"EXPLAIN {statement}", *(parameters or ())
                )
                lines = [row[0] for row in rows]
            else:
                cursor = await raw.driver_connection.execute(  # type: ignore[union-attr]
                    f"EXPLAIN QUERY PLAN {statement}", parameters or ()
                )
                lines = [row[3] for row in await cursor.fetchall()]
            plans.append((statement, lines))
    return plans


def full_scans(dialect: str, lines: list[str]) -> list[str]:
    """The plan lines that read a whole table."""
    if dialect == "postgresql":
        return [line.strip() for line in lines if "Seq Scan" in line]
    return [line for line in lines if line.startswith("SCAN ") and "USING" not in line.upper()]
