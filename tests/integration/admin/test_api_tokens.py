"""API tokens: created in the panel (shown once, stored as a digest), limited by scopes and by
the person's role, revocable; every refusal is an RFC 9457 problem document."""

from __future__ import annotations

import re

import httpx

from core.domain.enums import Role
from core.services import api_tokens
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.desk import make_person, open_ticket

_SECRET = re.compile(r'<code class="secret" id="new-token">(cdk_[^<]+)</code>')


async def _issue(db: Database, user: PanelUser, *scopes: str) -> str:
    async with db.uow() as uow:
        issued = await api_tokens.create_api_token(
            uow, actor=operator(), name="script", scopes=scopes, person_id=user.person_id
        )
        await uow.commit()
    return issued.secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_token_made_in_the_panel_is_shown_once_and_stored_hashed(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    csrf = await signed_in(client, agent_user)
    made = await client.post(
        "/settings/tokens",
        data={"csrf_token": csrf, "name": "reports", "scope": ["tickets:read", "kb:read"]},
    )
    assert made.status_code == 201
    found = _SECRET.search(made.text)
    assert found, "the new secret is on the page"
    secret = found.group(1)
    assert secret not in (await client.get("/settings")).text, "and never again"
    async with db.uow() as uow:
        [token] = await uow.accounts.tokens()
    assert token.scopes == ["kb:read", "tickets:read"]
    assert secret not in (token.token_hash, token.prefix) and secret.startswith(token.prefix)
    answer = await client.get("/api/v1/tickets", headers=_bearer(secret))
    assert answer.status_code == 200 and answer.json()["total"] == 0


async def test_scopes_roles_and_revocation(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    requester = await make_person(db, "Rita")
    number = await open_ticket(db, requester)
    reader = await _issue(db, agent_user, "tickets:read")
    writer = await _issue(db, agent_user, "tickets:read", "tickets:write")

    listed = await client.get("/api/v1/tickets?status=active", headers=_bearer(reader))
    assert [t["number"] for t in listed.json()["items"]] == [number]
    refused = await client.post(
        f"/api/v1/tickets/{number}/notes", json={"body": "hi"}, headers=_bearer(reader)
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json() == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "This API token lacks the scope tickets:write.",
    }
    noted = await client.post(
        f"/api/v1/tickets/{number}/notes", json={"body": "checked"}, headers=_bearer(writer)
    )
    assert noted.status_code == 201
    assert noted.json()["messages"][-1] == {
        "author": "Alice Agent",
        "kind": "internal",
        "body": "checked",
        "channel": "api",
        "created_at": noted.json()["messages"][-1]["created_at"],
    }

    csrf = await signed_in(client, agent_user)
    async with db.uow() as uow:
        ids = {t.scopes.__len__(): t.id for t in await uow.accounts.tokens()}
    await client.post(f"/settings/tokens/{ids[2]}/revoke", data={"csrf_token": csrf})
    gone = await client.get("/api/v1/tickets", headers=_bearer(writer))
    assert (
        gone.status_code == 401 and gone.json()["detail"] == "The API token is unknown or revoked."
    )
    assert (await client.get("/api/v1/tickets", headers=_bearer(reader))).status_code == 200


async def test_a_token_of_a_demoted_person_stops_working(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    secret = await _issue(db, agent_user, "tickets:read")
    async with db.uow() as uow:
        person = await uow.people.get(agent_user.person_id)
        assert person is not None
        person.role = Role.REQUESTER
        await uow.commit()
    assert (await client.get("/api/v1/tickets", headers=_bearer(secret))).status_code == 401


async def test_agents_cannot_revoke_other_peoples_tokens(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    other = await make_user(db, "bob@example.com", role="agent")
    secret = await _issue(db, other, "tickets:read")
    async with db.uow() as uow:
        [token] = await uow.accounts.tokens()
    csrf = await signed_in(client, agent_user)
    refused = await client.post(f"/settings/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert (await client.get("/api/v1/tickets", headers=_bearer(secret))).status_code == 200


async def test_bad_credentials_and_bad_requests_are_problem_documents(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    for headers in ({}, {"Authorization": "Basic YTpi"}, _bearer("cdk_made_up"), _bearer("x")):
        answer = await client.get("/api/v1/tickets", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"].startswith("Bearer")
    secret = await _issue(db, agent_user, "tickets:read", "tickets:write")
    missing = await client.get("/api/v1/tickets/424242", headers=_bearer(secret))
    assert missing.status_code == 404 and missing.json()["detail"] == "There is no ticket #424242."
    huge = await client.get(f"/api/v1/tickets/{10**30}", headers=_bearer(secret))
    assert huge.status_code == 422 and huge.json()["errors"]
    invalid = await client.post("/api/v1/tickets", json={"title": ""}, headers=_bearer(secret))
    assert invalid.status_code == 422
    assert {tuple(e["location"]) for e in invalid.json()["errors"]} >= {
        ("body", "title"),
        ("body", "description"),
    }
    created = await client.post(
        "/api/v1/tickets",
        json={"title": "New laptop", "description": "For the new hire", "priority": "P3"},
        headers=_bearer(secret),
    )
    assert created.status_code == 201 and created.json()["channel"] == "api"
    number = created.json()["number"]
    conflict = await client.post(
        f"/api/v1/tickets/{number}/status", json={"status": "waiting"}, headers=_bearer(secret)
    )
    assert conflict.status_code == 409, conflict.json()
    assert conflict.json()["title"] == "Conflict" and conflict.json()["detail"]
    schema = await client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/tickets/{number}/replies" in schema.json()["paths"]
