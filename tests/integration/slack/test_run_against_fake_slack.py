"""`chatdesk run` with Slack's tokens and an API URL serves the Slack app on the admin port's
/slack/events and talks to that Web API: here a fake Slack in this test process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes.local_http import free_port
from tests.fakes.slack_server import FakeSlackServer

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 90


async def test_chatdesk_run_serves_slack_against_the_configured_web_api(
    slack: FakeSlackServer, tmp_path: Path
) -> None:
    dana = slack.add_user("dana", real_name="Dana Doe")
    triage = slack.add_channel("it-triage")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")} | {
        "CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "CHATDESK_ADMIN_PORT": str(port),
        "CHATDESK_KB_SEMANTIC": "false",
        "CHATDESK_SLACK_BOT_TOKEN": slack.bot_token,
        "CHATDESK_SLACK_SIGNING_SECRET": slack.signing_secret,
        "CHATDESK_SLACK_API_URL": slack.api_url,
        "CHATDESK_SLACK_TRIAGE_CHANNEL": triage.id,
        "PYTHONPATH": str(REPO),
    }
    slack.request_url = f"http://127.0.0.1:{port}/slack/events"
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "chatdesk",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        async with asyncio.timeout(START_TIMEOUT_S):
            while not (await slack.user_runs_command(dana, "help")).acked:
                assert process.returncode is None, log_path.read_text()
                await asyncio.sleep(0.5)  # noqa: ASYNC110 - the port opens with no signal to us
        try:
            answered = await slack.wait_for(
                lambda: slack.app_messages_in(slack.dm_with(dana).id), timeout=30
            )
        except TimeoutError:
            raise AssertionError(f"no answer; chatdesk run said:\n{log_path.read_text()}") from None
        assert "/desk" in answered[0]["seen"]
        assert slack.requests_for("auth.test") and slack.requests_for("users.info")
        assert process.returncode is None, "still running"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(process.wait(), timeout=20)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    assert code == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()
