"""The command line as a person uses it: real processes, real databases, one-line errors."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fakes.local_http import free_port
from tests.support.chatdesk_process import chatdesk_cli, chatdesk_command, chatdesk_env


@pytest.fixture
def cli_env(empty_db_url: str) -> dict[str, str]:
    return chatdesk_env() | {"CHATDESK_DATABASE_URL": empty_db_url}


def test_demo_is_idempotent_and_tickets_can_be_listed(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    first = chatdesk_cli(["demo"], cli_env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "4 tickets new" in first.stdout
    assert "starter knowledge base: 50 added, 0 updated, 0 unchanged, 0 kept" in first.stdout
    assert "sign in as admin@example.com with password " in first.stdout
    second = chatdesk_cli(["demo"], cli_env, tmp_path)
    assert "with password" not in second.stdout, "the demo account is made (and shown) once"
    assert (
        second.returncode == 0
        and "0 groups, 0 categories, 0 agents, 0 tickets new" in second.stdout
        and "starter knowledge base: 0 added, 0 updated, 50 unchanged, 0 kept" in second.stdout
    )
    suggested = chatdesk_cli(["kb", "suggest", "vpn keeps disconnecting"], cli_env, tmp_path)
    assert suggested.stdout.split()[1] == "vpn-drops", suggested.stdout
    starter = chatdesk_cli(["kb", "starter"], cli_env, tmp_path)
    assert "0 added, 0 updated, 50 unchanged, 0 kept" in starter.stdout, starter.stderr
    listing = chatdesk_cli(["tickets", "list"], cli_env, tmp_path)
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == [
        "#1001",
        "#1002",
        "#1003",
        "#1004",
    ]
    shown = chatdesk_cli(["tickets", "show", "1003"], cli_env, tmp_path)
    assert "rating: 5/5 Fixed in five minutes" in shown.stdout
    assert "claimed  assignee: — → Alice Agent" in shown.stdout


def test_agents_add_and_list(cli_env: dict[str, str], tmp_path: Path) -> None:
    added = chatdesk_cli(
        ["agents", "add", "Dana Doe", "--telegram", "4242", "--username", "dana", "--line", "2"],
        cli_env,
        tmp_path,
    )
    assert added.returncode == 0, added.stderr
    listed = chatdesk_cli(["agents", "list"], cli_env, tmp_path)
    assert (
        "Dana Doe" in listed.stdout
        and "telegram:4242 @dana" in listed.stdout
        and "line 2" in listed.stdout
    )


def _one_clear_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tickets", "show", "99999"], "error: There is no ticket #99999."),
        (["tickets", "show", "100000000000000000000"], "error: There is no ticket #1000000"),
        (["agents", "add", "X", "--telegram", "abc"], "error: A Telegram user id is a number"),
        (["agents", "add", "X"], "error: give the agent's user id on one messenger: --telegram"),
        (["agents", "add", "X", "--telegram", "¹⁰⁰¹"], "error: A Telegram user id is a number"),
    ],
)
def test_refusals_are_one_clear_line(
    cli_env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    _one_clear_line(chatdesk_cli(args, cli_env, tmp_path), message)


@pytest.mark.parametrize(
    ("args", "env_extra", "message"),
    [
        (["migrate"], {"CHATDESK_DATABASE_URL": "not a url"}, "is not a database URL"),
        (
            ["migrate"],
            {"CHATDESK_DATABASE_URL": "mysql://root@localhost/x"},
            "Unsupported database driver 'mysql'",
        ),
        (
            ["migrate"],
            {"CHATDESK_TIMEZONE": "Mars/Base"},
            "CHATDESK_TIMEZONE: Value error, unknown time zone",
        ),
        (
            ["migrate"],
            {"CHATDESK_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/x"},
            "cannot use the database",
        ),
    ],
)
def test_configuration_errors_are_one_clear_line(
    tmp_path: Path, args: list[str], env_extra: dict[str, str], message: str
) -> None:
    env = (
        chatdesk_env()
        | {"CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
        | env_extra
    )
    _one_clear_line(chatdesk_cli(args, env, tmp_path), message)


def test_run_serves_the_admin_page_and_health(tmp_path: Path) -> None:
    port = free_port()
    env = chatdesk_env() | {
        "CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "CHATDESK_ADMIN_PORT": str(port),
    }
    process = subprocess.Popen(
        chatdesk_command("run"),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Generous bounds: this checks that it serves, not how fast (the machine may be loaded).
        deadline = time.monotonic() + 240
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(
                        f"chatdesk run exited early:\n{process.stdout.read() if process.stdout else ''}"
                    )
                time.sleep(0.2)
        assert "<h1>Sign in</h1>" in body, "the panel asks who you are first"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            assert b'"status":"ok"' in response.read()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_agents_invite_prints_a_one_time_start_command(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    first = chatdesk_cli(["agents", "invite"], cli_env, tmp_path)
    second = chatdesk_cli(["agents", "invite", "--role", "supervisor"], cli_env, tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    invites = [dict(_invite_lines(r.stdout)) for r in (first, second)]
    assert all(set(i) == {"Telegram", "Slack"} for i in invites), "one line per messenger"
    tokens = [i["Telegram"].removeprefix("/start ") for i in invites]
    assert all(t.startswith("agent-") and len(t) > len("agent-") + 20 for t in tokens)
    assert [i["Slack"] for i in invites] == [f"/desk start {t}" for t in tokens], "one invite"
    assert tokens[0] != tokens[1], "every invite is new"


def _invite_lines(stdout: str) -> list[tuple[str, str]]:
    """`Messenger: command` lines of `chatdesk agents invite`."""
    lines = [line.partition(": ") for line in stdout.strip().splitlines()[1:]]
    return [(name, command) for name, _, command in lines]
