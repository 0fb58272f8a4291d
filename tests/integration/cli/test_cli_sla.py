"""`chatdesk sla` and `chatdesk calendar`: changes apply to open tickets; every mistake is one
`error:` line and changes nothing."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner, Result

from chatdesk.cli.main import main
from core.domain.enums import Level
from storage.unit_of_work import Database
from tests.support.desk import make_groups, make_person, open_ticket


@pytest.fixture
def cli(empty_db_url: str) -> CliRunner:
    return CliRunner(
        env={"CHATDESK_DATABASE_URL": empty_db_url, "CHATDESK_TIMEZONE": "Europe/Berlin"}
    )


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


def test_show_lists_the_shipped_defaults(cli: CliRunner) -> None:
    shown = run(cli, "sla", "show")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert any(line.split()[:5] == ["P1", "response", "30m", "resolve", "4h"] for line in lines)
    assert any(line.split()[:5] == ["P4", "response", "1d", "resolve", "5d"] for line in lines)
    assert "default (default)  Europe/Berlin  mon-fri 09:00-18:00  holidays: none" in shown.output


BAD_INPUT = (
    (["sla", "set", "P5", "--response", "1h"], "Unknown priority 'P5'"),
    (["sla", "set", "P1", "--response", "4x"], "'4x' is not a duration"),
    (["sla", "set", "P1", "--warn", "150%"], "between 0 % and 100 %"),
    (["sla", "set", "P2", "--category", "nope", "--response", "1h"], "Unknown category 'nope'"),
    (["sla", "set", "P2", "--type", "question", "--response", "1h"], "needs both targets"),
    (["calendar", "set", "default", "--hours", "mon-fri 18:00-09:00"], "end before they start"),
    (
        [
            "calendar",
            "set",
            "x",
            "--hours",
            "mon 09:00-13:00; mon 12:00-18:00",
            "--timezone",
            "UTC",
        ],
        "overlap on Monday",
    ),
    (
        ["calendar", "set", "x", "--hours", "24x7", "--timezone", "Mars/Base"],
        "Unknown time zone",
    ),
    (["calendar", "holiday", "add", "default", "2026-02-30"], "There is no date 2026-02-30"),
    (["calendar", "holiday", "add", "nope", "12-25"], "Unknown calendar 'nope'"),
    (["calendar", "use", "nogroup", "default"], "Unknown group 'nogroup'"),
    (["calendar", "remove", "default"], "is the default"),
    (["sla", "followup", "auto_close", "soon"], "'soon' is not a duration"),
)


def test_bad_input_is_one_line_and_changes_nothing(cli: CliRunner) -> None:
    before = run(cli, "sla", "show").output
    for args, message in BAD_INPUT:
        refused = run(cli, *args)
        assert refused.exit_code == 1, args
        error = refused.output.strip()
        assert error.startswith("error: ") and message in error and "\n" not in error, error
    assert run(cli, "sla", "show").output == before


def test_a_policy_change_recomputes_open_tickets(cli: CliRunner, empty_db_url: str) -> None:
    assert run(cli, "migrate").exit_code == 0
    assert run(cli, "sla", "show").exit_code == 0

    async def open_one() -> Database:
        db = Database(empty_db_url)
        await make_groups(db)
        rita = await make_person(db, "Rita")
        await open_ticket(db, rita, impact=Level.HIGH, urgency=Level.HIGH)
        return db

    async def due() -> tuple[object, object]:
        db = Database(empty_db_url)
        async with db.uow() as uow:
            ticket = await uow.tickets.get(1001)
            assert ticket is not None
            result = (ticket.created_at, ticket.sla.response_due_at)
        await db.dispose()
        return result

    asyncio.run(asyncio.run(open_one()).dispose())
    created, first = asyncio.run(due())
    assert first is not None
    changed = run(cli, "sla", "set", "P1", "--response", "2h")
    assert changed.exit_code == 0 and "clocks of 1 active tickets recomputed" in changed.output
    _, second = asyncio.run(due())
    assert second is not None and second > first  # type: ignore[operator]
