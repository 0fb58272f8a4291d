"""`chatdesk routing`: rules added, listed, moved, tested and removed; group assignment modes;
every mistake is one `error:` line and changes nothing."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner, Result

from chatdesk.cli.main import main
from storage.unit_of_work import Database
from tests.support.desk import make_groups


@pytest.fixture
def cli(empty_db_url: str) -> CliRunner:
    runner = CliRunner(env={"CHATDESK_DATABASE_URL": empty_db_url})
    assert run(runner, "migrate").exit_code == 0

    async def groups() -> None:
        db = Database(empty_db_url)
        await make_groups(db)  # service-desk, infrastructure; category network
        await db.dispose()

    asyncio.run(groups())
    return runner


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


def test_rules_round_the_cli(cli: CliRunner) -> None:
    added = run(
        cli, "routing", "add", "vpn", "--keywords", "vpn, remote access", "--priority", "P2"
    )
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "1. vpn [keywords: vpn, remote access] → priority P2"
    assert run(cli, "routing", "add", "net", "--regex", r"wi-?fi|\blan\b", "--category", "network")
    spam = run(
        cli, "routing", "add", "spam", "--keywords", "lottery", "--stop", "Not for us.",
        "--stop-in", "ru", "Не к нам.", "--stop-in", "en", "Not for us, sorry.",
    )  # fmt: skip
    assert spam.output.strip() == (
        "3. spam [keywords: lottery] → stop: Not for us. (en: Not for us, sorry.) (ru: Не к нам.)"
    )
    unknown = run(cli, "routing", "edit", "spam", "--stop-in", "de", "Nein.")
    assert unknown.exit_code != 0 and "unknown language 'de'" in unknown.output
    dropped = run(cli, "routing", "edit", "spam", "--stop-in", "en", "")
    assert dropped.output.strip().endswith("→ stop: Not for us. (ru: Не к нам.)")
    run(cli, "routing", "add", "core", "--keywords", "router", "--group", "infrastructure")
    assert run(cli, "routing", "move", "core", "1").exit_code == 0

    listed = run(cli, "routing", "list").output.splitlines()
    assert [line.split(" ")[1] for line in listed[:4]] == ["core", "vpn", "net", "spam"]
    assert "group service-desk: manual, when an agent is away: release" in listed

    tested = run(cli, "routing", "test", "The WiFi router and VPN are down")
    assert tested.output.strip() == (
        "matched core, vpn, net: category network, group infrastructure, priority P2"
    )
    assert run(cli, "routing", "test", "You won the lottery").output.strip() == (
        "stop-listed by spam: Not for us. (ru: Не к нам.)"
    )
    assert run(cli, "routing", "test", "Mailbox full").output.strip() == "no rule matches"

    assert run(cli, "routing", "remove", "vpn").exit_code == 0
    listed = run(cli, "routing", "list").output.splitlines()
    assert [line.split(" ")[:2] for line in listed[:3]] == [
        ["1.", "core"],
        ["2.", "net"],
        ["3.", "spam"],
    ]

    mode = run(
        cli, "routing", "assignment", "service-desk", "round-robin", "--when-away", "reassign"
    )
    assert mode.output.strip() == (
        "group service-desk: round-robin, when an agent is away: reassign"
    )


BAD_INPUT = (
    (["routing", "add", "x", "--regex", "([a-z]+", "--priority", "P1"], "does not compile"),
    (["routing", "add", "x", "--regex", r"(\w+\s?)*$", "--priority", "P1"], "could hang"),
    (["routing", "add", "x", "--keywords", "a", "--group", "nope"], "unknown group 'nope'"),
    (["routing", "add", "x", "--keywords", "a", "--priority", "P7"], "Unknown priority 'P7'"),
    (["routing", "add", "x", "--keywords", "a", "--category", "zz"], "unknown category 'zz'"),
    (["routing", "add", "x", "--keywords", "a"], "sets nothing"),
    (["routing", "add", "first", "--keywords", "b", "--priority", "P1"], "already"),
    (["routing", "move", "first", "5"], "between 1 and 1"),
    (["routing", "move", "nope", "1"], "There is no routing rule 'nope'"),
    (["routing", "remove", "nope"], "There is no routing rule 'nope'"),
    (["routing", "assignment", "nogroup", "manual"], "Unknown group 'nogroup'"),
    (["routing", "edit", "first", "--regex", "([a-z]+"], "does not compile"),
    (["routing", "edit", "first", "--regex", r"(\w+\s?)*$"], "could hang"),
    (["routing", "edit", "first", "--group", "nope"], "unknown group 'nope'"),
    (["routing", "edit", "first", "--priority", "P7"], "Unknown priority 'P7'"),
    (["routing", "edit", "first", "--priority", ""], "sets nothing"),
    (["routing", "edit", "first", "--stop", "No."], "cannot also set"),
    (["routing", "edit", "first", "--keywords", "b", "--regex", "c"], "one of them"),
    (["routing", "edit", "nope", "--priority", "P1"], "There is no routing rule 'nope'"),
)


def test_bad_input_is_one_line_and_changes_nothing(cli: CliRunner) -> None:
    assert run(cli, "routing", "add", "first", "--keywords", "a", "--priority", "P3").exit_code == 0
    before = run(cli, "routing", "list").output
    for args, message in BAD_INPUT:
        refused = run(cli, *args)
        assert refused.exit_code == 1, args
        error = refused.output.strip()
        assert error.startswith("error: ") and message in error and "\n" not in error, error
    assert run(cli, "routing", "list").output == before


def test_edit_changes_what_is_given_and_keeps_the_rest_and_the_place(cli: CliRunner) -> None:
    run(cli, "routing", "add", "vpn", "--keywords", "vpn", "--priority", "P2")
    run(cli, "routing", "add", "net", "--keywords", "wifi", "--category", "network")
    edited = run(
        cli, "routing", "edit", "vpn", "--rename", "remote", "--regex", "vpn|tunnel",
        "--group", "infrastructure",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert edited.output.strip() == (
        "1. remote [regex: vpn|tunnel] → group infrastructure, priority P2"
    )
    off = run(cli, "routing", "edit", "remote", "--priority", "", "--off")
    assert off.output.strip() == "1. remote (off) [regex: vpn|tunnel] → group infrastructure"
    stop = run(cli, "routing", "edit", "net", "--category", "", "--stop", "Not for us.")
    assert stop.output.strip() == "2. net [keywords: wifi] → stop: Not for us."
    listed = run(cli, "routing", "list").output.splitlines()
    assert listed[:2] == [off.output.strip(), stop.output.strip()]
    assert run(cli, "routing", "test", "the tunnel is down").output.strip() == "no rule matches"
    assert run(cli, "routing", "edit", "remote", "--on").exit_code == 0
    assert run(cli, "routing", "test", "the tunnel is down").output.strip() == (
        "matched remote: group infrastructure"
    )
