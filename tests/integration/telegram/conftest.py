from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegramServer) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    async with Bot(fake.token, session=session) as client:
        yield client


@pytest.fixture
def alice() -> TgUser:
    return TgUser(id=1001, first_name="Alice", language_code="en", username="alice")
