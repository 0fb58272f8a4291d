"""A ticket URL that names no ticket, or a number that cannot be one, answers 404 (the API may
say 422 for what is not a number at all), never 500."""

from __future__ import annotations

import httpx
import pytest

from core.services import api_tokens
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, signed_in

ODD = ["10²⁰", "¹⁰⁰¹", "١٠٠١", "100000000000000000000", "1234567890123456789012345", "4242", "-1"]


@pytest.mark.parametrize("number", ODD)
async def test_odd_ticket_numbers_are_not_found(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser, number: str
) -> None:
    await signed_in(client, agent_user)
    assert (await client.get(f"/tickets/{number}")).status_code == 404
    async with db.uow() as uow:
        issued = await api_tokens.create_api_token(
            uow, actor=operator(), name="t", scopes=["tickets:read"], person_id=agent_user.person_id
        )
        await uow.commit()
    answer = await client.get(
        f"/api/v1/tickets/{number}", headers={"Authorization": f"Bearer {issued.secret}"}
    )
    assert answer.status_code in (404, 422)
    assert answer.headers["content-type"] == "application/problem+json"
