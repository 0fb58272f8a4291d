"""`chatdesk config export/import`: the YAML round trip (same desk, and a fresh database), and bad
files refused with one line, changing nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from chatdesk.cli.main import main
from storage.unit_of_work import Database
from tests.support.desk import make_groups


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def cli(empty_db_url: str) -> CliRunner:
    runner = CliRunner(
        env={"CHATDESK_DATABASE_URL": empty_db_url, "CHATDESK_TIMEZONE": "Europe/Berlin"}
    )
    assert run(runner, "migrate").exit_code == 0

    async def groups() -> None:
        db = Database(empty_db_url)
        await make_groups(db)  # service-desk → infrastructure; category network
        await db.dispose()

    asyncio.run(groups())
    steps = [
        ["calendar", "set", "noc", "--hours", "24x7", "--timezone", "UTC"],
        ["calendar", "holiday", "add", "default", "12-25", "--label", "Christmas"],
        ["calendar", "use", "infrastructure", "noc"],
        ["sla", "set", "P1", "--category", "network", "--response", "15m", "--resolve", "2h"],
        ["sla", "set", "P2", "--warn", "80%", "--on-breach", "raise_priority"],
        ["sla", "followup", "waiting_reminder", "off"],
        ["categories", "add", "wifi", "Wi-Fi", "--parent", "network", "--ru", "Вай-фай"],
        ["routing", "add", "vpn", "--keywords", "vpn, remote access", "--priority", "P2"],
        [
            "routing",
            "add",
            "core",
            "--regex",
            r"\bcore (switch|router)\b",
            "--group",
            "infrastructure",
        ],
        ["routing", "add", "spam", "--keywords", "lottery", "--stop", "Not for us."]
        + ["--stop-in", "ru", "Не к нам."],
        ["routing", "assignment", "service-desk", "least-loaded", "--when-away", "reassign"],
    ]
    for step in steps:
        done = run(runner, *step)
        assert done.exit_code == 0, (step, done.output)
    return runner


def test_export_import_round_trip(cli: CliRunner, tmp_path: Path) -> None:
    exported = run(cli, "config", "export")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load(exported.output)
    assert [r["name"] for r in document["routing"]] == ["vpn", "core", "spam"]
    assert document["routing"][1]["regex"] == r"\bcore (switch|router)\b"
    assert document["routing"][2]["stop_in"] == {"ru": "Не к нам."}
    assert {
        g["name"]: (g["assignment"], g["when_away"], g["calendar"]) for g in document["groups"]
    } == {
        "service-desk": ("least_loaded", "reassign", None),
        "infrastructure": ("manual", "release", "noc"),
    }
    assert document["sla"]["follow_ups"]["waiting_reminder"] == "off"
    assert {"slug": "wifi", "parent": "network", "labels": {"ru": "Вай-фай"}}.items() <= next(
        c for c in document["categories"] if c["slug"] == "wifi"
    ).items()

    saved = tmp_path / "desk.yaml"
    saved.write_text(exported.output, encoding="utf-8")
    # change the desk, then import the file: it is as exported again
    for step in (
        ["routing", "remove", "vpn"],
        ["routing", "add", "extra", "--keywords", "x", "--priority", "P4"],
        ["sla", "set", "P3", "--response", "1h"],
        ["routing", "assignment", "service-desk", "manual"],
        ["calendar", "use", "infrastructure"],
    ):
        assert run(cli, *step).exit_code == 0
    assert run(cli, "config", "export").output != exported.output
    imported = run(cli, "config", "import", str(saved))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith(
        "imported 2 calendars, 2 groups, 2 categories, 9 sla, 3 routing;"
    )
    assert run(cli, "config", "export").output == exported.output

    fresh = CliRunner(env={"CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"})
    assert run(fresh, "config", "import", str(saved)).exit_code == 0
    assert run(fresh, "config", "export").output == exported.output


BAD_FILES = (
    ("routing: [vpn\n", "is not valid YAML at line"),
    ("- just a list\n", "the document must be a mapping"),
    ("colour: blue\n", "unknown field 'colour'"),
    ("version: 7\n", "this chatdesk reads version 1"),
    ("groups:\n- {name: service-desk, assignment: random}\n", "'assignment' cannot be 'random'"),
    ("groups:\n- {name: service-desk, escalates_to: nowhere}\n", "unknown group 'nowhere'"),
    ("calendars:\n- {name: x, timezone: Mars/Base, hours: 24x7}\n", "Unknown time zone"),
    (
        "calendars:\n- {name: default, timezone: UTC, hours: [mon 09:00-18:00],"
        " holidays: [{date: 02-30}]}\n",
        "calendars #1 (default): There is no date",
    ),
    (
        "sla:\n  policies:\n  - {priority: P1, response: soon, resolve: 4h}\n",
        "'soon' is not a duration",
    ),
    ("sla:\n  policies:\n  - {priority: P9, response: 1h, resolve: 4h}\n", "Unknown priority 'P9'"),
    ("sla:\n  follow_ups: {auto_close: never}\n", "'never' is not a duration"),
    ("routing:\n- {name: r, regex: '(a+)+$', priority: P1}\n", "could hang"),
    ("routing:\n- {name: r, regex: '(oops', priority: P1}\n", "does not compile"),
    ("routing:\n- {name: r, keywords: a, group: nowhere}\n", "unknown group 'nowhere'"),
    ("routing:\n- {name: r, priority: P1}\n", "routing #1 (r): give either keywords or a regex"),
    (
        "routing:\n- {name: r, keywords: a, priority: P1}\n- {name: r, keywords: b, priority: P2}\n",
        "names must be unique: r",
    ),
    # a good section first, then a bad one: the good one is not kept either
    ("routing: []\ngroups:\n- {name: service-desk, line: 3}\n", "'line' cannot be '3'"),
)


def test_bad_files_are_one_line_and_change_nothing(cli: CliRunner, tmp_path: Path) -> None:
    before = run(cli, "config", "export").output
    for index, (text, message) in enumerate(BAD_FILES):
        path = tmp_path / f"bad{index}.yaml"
        path.write_text(text, encoding="utf-8")
        refused = run(cli, "config", "import", str(path))
        assert refused.exit_code == 1, (text, refused.output)
        error = refused.output.strip()
        assert error.startswith("error: ") and message in error and "\n" not in error, error
    assert run(cli, "config", "export").output == before
