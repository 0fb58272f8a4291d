"""`chatdesk report`: the same figures as the panel, as CSV or text, and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.reports.query import parse_query
from core.reports.tables import to_csv
from storage import migrate
from storage.report_facts import run_report
from storage.unit_of_work import Database
from tests.support.chatdesk_process import chatdesk_env
from tests.support.report_history import NOW, ZONE, generate, store

RANGE = ["--from", "2026-09-14", "--to", "2026-10-31", "--tz", ZONE]


def chatdesk_cli(
    args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatdesk", "report", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


async def test_report_csv_text_and_errors(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await migrate.upgrade(url)
    database = Database(url)
    await store(database, generate(tickets=60, questions=10))
    query = parse_query(
        {"from": "2026-09-14", "to": "2026-10-31", "tz": ZONE, "priority": "P1"},
        default_timezone="UTC",
        today=NOW.date(),
    )
    async with database.uow() as uow:
        expected = to_csv(await run_report(uow, "sla", query))
    await database.dispose()
    env = chatdesk_env() | {"CHATDESK_DATABASE_URL": url}

    exported = chatdesk_cli(["sla", *RANGE, "--priority", "P1", "--csv"], env, tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == expected
    assert exported.stdout.startswith("table,row,column,value\nsummary,response,met,")

    shown = chatdesk_cli(["load", *RANGE, "--period", "month"], env, tmp_path)
    assert shown.returncode == 0 and "Created, resolved and closed" in shown.stdout
    assert "2026-10" in shown.stdout

    for args, message in [
        (["load", "--from", "2026-10-10", "--to", "2026-10-01"], "after it ends"),
        (["load", "--tz", "Moon/Base"], "Unknown time zone 'Moon/Base'"),
        (["load", "--group", "nobody"], "Unknown group 'nobody'"),
    ]:
        refused = chatdesk_cli(args, env, tmp_path)
        assert refused.returncode == 1 and refused.stderr.startswith("error: "), refused.stderr
        assert message in refused.stderr and "Traceback" not in refused.stderr
