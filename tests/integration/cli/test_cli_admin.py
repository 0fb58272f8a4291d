"""`chatdesk admin ...` as an operator uses it, and `chatdesk run`'s refusal to serve the
network with the default secret key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chatdesk_process import chatdesk_cli, chatdesk_env


@pytest.fixture
def cli_env(empty_db_url: str) -> dict[str, str]:
    return chatdesk_env() | {"CHATDESK_DATABASE_URL": empty_db_url}


def test_accounts_and_tokens_from_the_command_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    agent = chatdesk_cli(
        ["agents", "add", "Dana Doe", "--telegram", "4242", "--email", "dana@example.com"],
        cli_env,
        tmp_path,
    )
    assert agent.returncode == 0, agent.stderr
    made = chatdesk_cli(
        ["admin", "create-user", "Dana@Example.com", "--role", "supervisor", "--password-stdin"],
        cli_env,
        tmp_path,
        stdin="a long enough secret\n",
    )
    assert made.returncode == 0, made.stderr
    assert "dana@example.com can now sign in as supervisor (the existing person" in made.stdout
    assert "a long enough secret" not in made.stdout + made.stderr

    generated = chatdesk_cli(
        ["admin", "create-user", "root@example.com", "--role", "admin", "--generate"],
        cli_env,
        tmp_path,
    )
    assert generated.returncode == 0 and "password (shown once): " in generated.stdout
    users = chatdesk_cli(["admin", "users"], cli_env, tmp_path)
    assert "dana@example.com" in users.stdout and "supervisor" in users.stdout
    assert "Dana Doe" in users.stdout and "root@example.com" in users.stdout

    reset = chatdesk_cli(
        ["admin", "set-password", "dana@example.com", "--password-stdin"],
        cli_env,
        tmp_path,
        stdin="another long secret\n",
    )
    assert reset.returncode == 0 and "sessions are signed out" in reset.stdout

    token = chatdesk_cli(
        ["admin", "token", "create", "nightly", "--user", "dana@example.com", "--scope",
         "tickets:read"],
        cli_env,
        tmp_path,
    )  # fmt: skip
    assert token.returncode == 0, token.stderr
    secret = token.stdout.split("secret (shown once): ")[1].strip()
    assert secret.startswith("cdk_")
    listed = chatdesk_cli(["admin", "token", "list"], cli_env, tmp_path)
    assert "nightly" in listed.stdout and secret not in listed.stdout and "active" in listed.stdout
    revoked = chatdesk_cli(["admin", "token", "revoke", "1"], cli_env, tmp_path)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert "revoked" in chatdesk_cli(["admin", "token", "list"], cli_env, tmp_path).stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "not-an-email", "--role", "admin", "--generate"], "", "is not an e-mail"),
        (
            ["create-user", "a@b.co", "--role", "agent", "--password-stdin"],
            "short\n",
            "at least 10",
        ),
        (["create-user", "a@b.co", "--role", "agent"], "", "no terminal to ask for a password"),
        (["set-password", "nobody@b.co", "--generate"], "", "There is no account for nobody@b.co"),
        (["token", "revoke", "77"], "", "There is no API token 77"),
    ],
)
def test_refusals_are_one_clear_line(
    cli_env: dict[str, str], tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    result = chatdesk_cli(["admin", *args], cli_env, tmp_path, stdin=stdin)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("host", ["0.0.0.0", "desk.example.com"])
def test_run_refuses_to_serve_the_network_with_the_default_secret(
    tmp_path: Path, host: str
) -> None:
    env = chatdesk_env() | {
        "CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "CHATDESK_ADMIN_HOST": host,
    }
    result = chatdesk_cli(["run"], env, tmp_path)
    assert result.returncode == 1
    assert (
        f"refusing to listen on {host}: CHATDESK_SECRET_KEY is still the default" in result.stderr
    )
    assert not (tmp_path / "x.db").exists(), "refused before touching anything"
