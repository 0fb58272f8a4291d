"""`chatdesk run` with a token and an API URL runs the bot against that server: here a fake Bot
API server in this test process, so anyone can try the bot against their own server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes.local_http import free_port
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer

REPO = Path(__file__).resolve().parents[3]
DANA = TgUser(id=4242, first_name="Dana", language_code="en")


async def test_chatdesk_run_polls_the_configured_bot_api_server(
    fake: FakeTelegramServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")} | {
        "CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "CHATDESK_ADMIN_PORT": str(free_port()),
        "CHATDESK_TELEGRAM_TOKEN": fake.token,
        "CHATDESK_TELEGRAM_API_URL": fake.url,
        "PYTHONPATH": str(REPO),
    }
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
