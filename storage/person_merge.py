"""Two person records becoming one (:func:`core.services.identity_links.join`): every row that
names the absorbed record, in any table, names the kept one instead, and the absorbed record
is deleted. The columns are found from the schema's foreign keys, so a table added later is
covered without touching this."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Column, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import object_mapper
from sqlalchemy.orm.attributes import set_committed_value

from core.domain.entities import Person
from storage import tables as t


@cache
def person_columns() -> tuple[Column[int], ...]:
    """Every column holding a person's id (a foreign key to ``people.id``)."""
    return tuple(
        fk.parent
        for table in t.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is t.people
    )


async def merge_people(session: AsyncSession, *, keep_id: int, drop_id: int) -> list[int]:
    """Move everything of ``drop_id`` to ``keep_id`` and delete ``drop_id``; the ids of the
    tickets whose requester changed. The caller checks first that the two records can be one
    (at most one of them has a panel account)."""
    await session.flush()
    moved = list(
        (
            await session.execute(select(t.tickets.c.id).where(t.tickets.c.requester_id == drop_id))
        ).scalars()
    )
    # A group both belong to keeps one membership.
    kept_groups = select(t.group_members.c.group_id).where(t.group_members.c.person_id == keep_id)
    await session.execute(
        delete(t.group_members).where(
            t.group_members.c.person_id == drop_id, t.group_members.c.group_id.in_(kept_groups)
        )
    )
    columns = person_columns()
    for column in columns:
        await session.execute(
            update(column.table).where(column == drop_id).values({column.name: keep_id})
        )
    # Objects this session loaded still hold the old id: bring them in line, so that no later
    # flush writes it back.
    for loaded in list(session.identity_map.values()):
        table = object_mapper(loaded).local_table
        for column in columns:
            if column.table is table and getattr(loaded, column.name, None) == drop_id:
                set_committed_value(loaded, column.name, keep_id)
    dropped = await session.get(Person, drop_id)
    if dropped is not None:
        await session.delete(dropped)
    await session.flush()
    return moved
