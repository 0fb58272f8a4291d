"""The admin app in-process (httpx over ASGI) on a real database, both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi import FastAPI

from admin.app import create_app
from chatdesk.channels import CHANNEL_KINDS
from core.services import accounts
from core.settings import Settings
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user


@pytest.fixture(autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Real argon2 parameters cost ~0.5 s a hash on this machine; the tests check behaviour."""
    accounts.use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    accounts.use_password_hasher(PasswordHasher())


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="sqlite+aiosqlite:///unused.db",
        secret_key="test-secret-key-of-some-length",
    )


@pytest.fixture
def kicks() -> list[int]:
    return []


@pytest.fixture
def app(db: Database, settings: Settings, kicks: list[int]) -> FastAPI:
    return create_app(
        settings=settings,
        database=db,
        after_commit=lambda: kicks.append(1),
        channels=[kind.profile for kind in CHANNEL_KINDS],
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as http:
        yield http


@pytest.fixture
async def admin_user(db: Database) -> PanelUser:
    return await make_user(db, "ada@example.com", role="admin", name="Ada Admin")


@pytest.fixture
async def agent_user(db: Database) -> PanelUser:
    return await make_user(db, "alice@example.com", role="agent", name="Alice Agent")
