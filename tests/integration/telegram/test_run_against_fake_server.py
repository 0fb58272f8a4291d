"""`chatdesk run` with a token and an API URL runs the bot against that server: here a fake Bot
API server in this test process, so anyone can try the bot against their own server."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.local_http import free_port
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.chatdesk_process import chatdesk_env, running

DANA = TgUser(id=4242, first_name="Dana", language_code="en")


async def test_chatdesk_run_polls_the_configured_bot_api_server(
    fake: FakeTelegramServer, tmp_path: Path
) -> None:
    env = chatdesk_env(
        CHATDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        CHATDESK_ADMIN_PORT=str(free_port()),
        CHATDESK_TELEGRAM_TOKEN=fake.token,
        CHATDESK_TELEGRAM_API_URL=fake.url,
    )
    log_path = tmp_path / "run.log"
    async with running(env, tmp_path, log_path) as process:
        await fake.user_sends_text(DANA, "/start")  # waits in the fake until the bot polls
        try:
            hello = await fake.wait_for(
                lambda: [m for m in fake.messages_in(DANA.id) if "Hello, Dana!" in m["plain_text"]],
                timeout=240,  # a loaded machine starts chatdesk slowly
            )
        except TimeoutError:
            raise AssertionError(
                f"no greeting; chatdesk run said:\n{log_path.read_text()}"
            ) from None
        assert hello[0]["parse_mode"] == "HTML"
        assert fake.requests_for("getMe") and fake.requests_for("getUpdates")
        assert {c.get("language_code") for c in fake.requests_for("setMyCommands")} == {None, "ru"}
        assert process.returncode is None, "still running"
    assert process.returncode == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()
