"""Bad input and forbidden actions get a clear error and write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.domain.enums import Role, TicketStatus
from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from core.services import tickets, workflow
from core.services.context import TEXT_MAX, TITLE_MAX
from storage import tables
from storage.unit_of_work import Database
from tests.support.desk import make_person, open_ticket


async def _row_counts(db: Database) -> dict[str, int]:
    async with db.uow() as uow:
        return {
            table.name: (
                await uow.session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in tables.metadata.sorted_tables
        }


@pytest.mark.parametrize(
    ("title", "description", "message"),
    [
        ("", "details", "title must not be empty"),
        ("   ", "details", "title must not be empty"),
        ("x" * (TITLE_MAX + 1), "details", f"limit is {TITLE_MAX}"),
        ("VPN", "", "description must not be empty"),
        ("VPN", "y" * (TEXT_MAX + 1), f"limit is {TEXT_MAX}"),
    ],
)
async def test_bad_titles_and_descriptions_write_nothing(
    db: Database, title: str, description: str, message: str
) -> None:
    rita = await make_person(db, "Rita")
    before = await _row_counts(db)
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match=message):
            await tickets.open_ticket(
                uow, actor=rita, request=tickets.NewTicket(title=title, description=description)
            )
        await uow.commit()
    assert await _row_counts(db) == before


async def test_refusals_write_nothing(db: Database) -> None:
    rita = await make_person(db, "Rita")
    mallory = await make_person(db, "Mallory")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    before = await _row_counts(db)

    async def refused(error: type[Exception], text: str, call) -> None:  # type: ignore[no-untyped-def]
        async with db.uow() as uow:
            with pytest.raises(error, match=text):
                await call(uow)
            await uow.commit()

    await refused(
        NotFound,
        "There is no ticket #999999",
        lambda u: workflow.claim(u, actor=alice, number=999999),
    )
    await refused(
        PermissionDenied,
        "Only agents can claim",
        lambda u: workflow.claim(u, actor=rita, number=number),
    )
    await refused(
        NotFound,
        f"no ticket #{number} among yours",
        lambda u: tickets.reply(u, actor=mallory, number=number, body="hi"),
    )
    await refused(
        NotFound,
        f"no ticket #{number} among yours",
        lambda u: workflow.close(u, actor=mallory, number=number),
    )
    await refused(
        PermissionDenied,
        "Only agents can resolve",
        lambda u: workflow.resolve(u, actor=rita, number=number, resolution=""),
    )
    await refused(
        PermissionDenied,
        "Only agents can add internal notes",
        lambda u: tickets.add_note(u, actor=rita, number=number, body="x"),
    )
    await refused(
        InvalidTransition,
        "only resolved or closed tickets can be reopened",
        lambda u: workflow.reopen(u, actor=rita, number=number),
    )
    await refused(
        InvalidTransition,
        "not resolved yet",
        lambda u: workflow.rate(u, actor=rita, number=number, score=5),
    )
    await refused(
        InvalidTransition,
        "cannot go from new to waiting",
        lambda u: workflow.change_status(
            u, actor=alice, number=number, status=TicketStatus.WAITING
        ),
    )
    await refused(
        InvalidInput,
        "no assignee",
        lambda u: workflow.change_status(
            u, actor=alice, number=number, status=TicketStatus.ASSIGNED
        ),
    )
    await refused(
        InvalidInput,
        "whole number from 1 to 5",
        lambda u: workflow.rate(u, actor=rita, number=number, score=9),
    )
    await refused(
        InvalidInput,
        "already with second-line|No second-line group",
        lambda u: workflow.escalate(u, actor=alice, number=number),
    )
    await refused(
        InvalidInput,
        "cannot duplicate itself",
        lambda u: workflow.mark_duplicate(u, actor=alice, number=number, of_number=number),
    )
    await refused(
        InvalidInput,
        "Unknown category",
        lambda u: tickets.open_ticket(
            u, actor=rita, request=tickets.NewTicket(title="a", description="b", category="nope")
        ),
    )
    await refused(
        InvalidInput,
        "Only agents can set a priority",
        lambda u: tickets.open_ticket(
            u,
            actor=rita,
            request=tickets.NewTicket(title="a", description="b", priority=workflow.Priority.P1),
        ),
    )
    assert await _row_counts(db) == before


async def test_closed_ticket_takes_no_replies_and_cannot_be_reclaimed(db: Database) -> None:
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    async with db.uow() as uow:
        await workflow.close(uow, actor=rita, number=number)
        await uow.commit()
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match="closed; please open a new request"):
            await tickets.reply(uow, actor=rita, number=number, body="hello?")
        with pytest.raises(InvalidTransition, match="cannot be claimed"):
            await workflow.claim(uow, actor=alice, number=number)
