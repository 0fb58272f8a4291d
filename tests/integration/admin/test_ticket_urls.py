"""A ticket URL that names no ticket, or a number that cannot be one, answers 404, never 500."""

from __future__ import annotations

import httpx
import pytest

from admin.app import create_app
from core.settings import Settings
from storage.unit_of_work import Database


@pytest.mark.parametrize("path", ["/tickets/{n}", "/api/tickets/{n}"])
@pytest.mark.parametrize("number", ["10²⁰", "¹⁰⁰¹", "100000000000000000000", "4242", "-1"])
async def test_odd_ticket_numbers_are_not_found(db: Database, path: str, number: str) -> None:
    app = create_app(settings=Settings(_env_file=None), database=db)  # type: ignore[call-arg]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://panel") as client:
        response = await client.get(path.format(n=number))
    assert response.status_code == 404
