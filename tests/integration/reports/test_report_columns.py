"""Reading rows as numpy columns: on PostgreSQL through a binary COPY (missing ids as -1,
missing numbers as NaN, parameters bound safely), on SQLite row by row — the same arrays."""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import select

from storage import tables
from storage.report_columns import SIGNATURE, Kind, _parse, read_columns
from storage.unit_of_work import Database
from tests.support.desk import make_groups

R = tables.report_tickets


async def test_columns_come_back_in_order_with_gaps_marked(db: Database) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        group = (await uow.session.execute(select(tables.groups.c.id).limit(1))).scalar_one()
        people = tables.people
        await uow.session.execute(
            people.insert().values(
                id=900, display_name="Rita", role=1, language="en", is_active=True
            )
        )
        at = datetime(2026, 3, 1, 12, tzinfo=UTC)
        for n, (group_id, seconds) in enumerate([(group, 12.5), (None, None), (group, 3.0)]):
            await uow.session.execute(
                tables.tickets.insert().values(
                    id=n + 1,
                    number=n + 1,
                    title="t",
                    description="",
                    requester_id=900,
                    type="incident",
                    priority="P3",
                    status="new",
                    group_id=group_id,
                    line=1,
                    origin_channel="telegram",
                    created_at=at,
                    updated_at=at,
                )
            )
            await uow.session.execute(
                R.insert().values(
                    ticket_id=n + 1,
                    created_at=at,
                    status="new",
                    priority="P3",
                    type="incident",
                    origin_channel="telegram",
                    group_id=group_id,
                    response_work_s=seconds,
                )
            )
        await uow.commit()
    async with db.uow() as uow:
        ids, numbers = await read_columns(
            uow.session,
            [(R.c.group_id, Kind.ID), (R.c.response_work_s, Kind.NUMBER)],
            # a quote in a bound value stays a value
            [R.c.created_at >= at, R.c.origin_channel != "it's", R.c.ticket_id != 99],
        )
        order = np.argsort(numbers)  # NaN last
        assert ids.dtype == np.int64 and numbers.dtype == np.float64
        assert ids[order].tolist() == [group, group, -1]
        assert numbers[order][:2].tolist() == [3.0, 12.5] and math.isnan(numbers[order][2])
        none = await read_columns(uow.session, [(R.c.group_id, Kind.ID)], [R.c.ticket_id > 99])
        assert none[0].tolist() == []


def _copy(rows: list[bytes], extension: bytes = b"") -> bytes:
    header = SIGNATURE + struct.pack(">iI", 0, len(extension)) + extension
    return header + b"".join(rows) + struct.pack(">h", -1)


def test_a_binary_copy_is_read_field_by_field() -> None:
    row = struct.pack(">hiqid", 2, 8, -1, 8, 2.5)
    ids, numbers = _parse(_copy([row, row], b"xy"), [Kind.ID, Kind.NUMBER])
    assert ids.tolist() == [-1, -1] and numbers.tolist() == [2.5, 2.5]


def test_a_copy_with_a_field_of_another_width_is_refused() -> None:
    narrow = struct.pack(">hiiid", 2, 4, 7, 8, 2.5) + b"\0\0\0\0"  # same length, 4-byte id
    with pytest.raises(ValueError, match="unexpected width"):
        _parse(_copy([narrow]), [Kind.ID, Kind.NUMBER])
    with pytest.raises(ValueError, match="not a binary COPY"):
        _parse(b"id\tvalue\n", [Kind.ID])
