"""Numbers that are not plain digits or do not fit a 64-bit column, in commands and buttons:
a polite answer every time, never a traceback, and nothing written (issue 14 #4)."""

from __future__ import annotations

import pytest

from storage.unit_of_work import Database
from tests.integration.intake.harness import Desk
from tests.support.desk import make_groups

ODD = ["¹⁰⁰¹", "100000000000000000000", "1234567890123456789012345", "١٠٠١"]


@pytest.mark.parametrize("number", ODD)
async def test_commands_answer_no_such_ticket(db: Database, channel: str, number: str) -> None:
    desk = await Desk(db, channel=channel).start()
    alice = await desk.agent("Alice", "11")
    rita = desk.user("Rita", "501")
    assert (await rita.command(f"/ticket {number}")).texts() == [f"There is no ticket #{number}."]
    for line in (f"/claim {number}", f"/reply {number} hello", f"/ticket #{number}"):
        answer = await alice.command(line, private=False)
        assert answer.texts() == [f"There is no ticket #{number}."], line


@pytest.mark.parametrize(
    "data", ["claim:¹", "assign:1001:10²⁰", "assign:1001:100000000000000000000", "rate:¹⁰⁰¹:5"]
)
async def test_forged_buttons_are_answered_as_expired(
    db: Database, channel: str, data: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start()
    alice = await desk.agent("Alice", "11")
    for private in (False, True):
        pressed = await alice.press(data, private=private)
        assert pressed.toast == "This button is no longer active." and not pressed.replies
    async with db.uow() as uow:
        assert await uow.tickets.search(limit=5) == []
