from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.slack.desk import SlackDesk
from tests.support.desk import make_groups


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        yield server


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    """A fake Telegram Bot API, for tests that run both messengers."""
    async with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def client(slack: FakeSlackServer) -> AsyncIterator[AsyncWebClient]:
    web = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    yield web
    if web.session is not None:
        await web.session.close()


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer) -> AsyncIterator[SlackDesk]:
    """The desk with its Slack channel and the network category (no agents: tests add them)."""
    await make_groups(db)
    running = await SlackDesk(db, slack).start()
    yield running
    await running.stop()
