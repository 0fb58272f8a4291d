"""`chatdesk run` with Slack's tokens and an API URL serves the Slack app on the admin port's
/slack/events and talks to that Web API: here a fake Slack in this test process."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.fakes.local_http import free_port
from tests.fakes.slack_server import FakeSlackServer
from tests.support.chatdesk_process import chatdesk_env, running

START_TIMEOUT_S = 90


async def test_chatdesk_run_serves_slack_against_the_configured_web_api(
    slack: FakeSlackServer, tmp_path: Path
) -> None:
    dana = slack.add_user("dana", real_name="Dana Doe")
    triage = slack.add_channel("it-triage")
    port = free_port()
    env = chatdesk_env(
        CHATDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        CHATDESK_ADMIN_PORT=str(port),
        CHATDESK_KB_SEMANTIC="false",
        CHATDESK_SLACK_BOT_TOKEN=slack.bot_token,
        CHATDESK_SLACK_SIGNING_SECRET=slack.signing_secret,
        CHATDESK_SLACK_API_URL=slack.api_url,
        CHATDESK_SLACK_TRIAGE_CHANNEL=triage.id,
    )
    slack.request_url = f"http://127.0.0.1:{port}/slack/events"
    log_path = tmp_path / "run.log"
    async with running(env, tmp_path, log_path) as process:
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
    assert process.returncode == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()
