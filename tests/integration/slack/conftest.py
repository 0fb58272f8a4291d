from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_server import FakeSlackServer


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        yield server


@pytest.fixture
async def client(slack: FakeSlackServer) -> AsyncIterator[AsyncWebClient]:
    web = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    yield web
    if web.session is not None:
        await web.session.close()
