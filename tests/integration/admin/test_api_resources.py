"""/api/v1 beyond tickets: articles (create, update, suggest: the live index follows), people,
groups and categories; each under its own scope."""

from __future__ import annotations

import httpx

from core.services import api_tokens
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import make_user
from tests.support.desk import make_groups


async def _token(db: Database, *scopes: str, role: str = "supervisor") -> dict[str, str]:
    user = await make_user(db, f"{role}-{len(scopes)}@example.com", role=role, name="Api User")
    async with db.uow() as uow:
        issued = await api_tokens.create_api_token(
            uow, actor=operator(), name="t", scopes=scopes, person_id=user.person_id
        )
        await uow.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


ARTICLE = {
    "id": "mfa-reset",
    "title": "Reset your two-factor authenticator",
    "body": "Ask the service desk to reset MFA, then enrol the new phone.",
    "language": "en",
    "category": "access",
    "tags": ["mfa", "2fa"],
    "phrasings": ["new phone, lost my authenticator codes"],
    "status": "published",
}


async def test_articles_create_update_and_suggest(client: httpx.AsyncClient, db: Database) -> None:
    writer = await _token(db, "kb:read", "kb:write")
    made = await client.post("/api/v1/articles", json=ARTICLE, headers=writer)
    assert made.status_code == 201 and made.json()["status"] == "published"
    again = await client.post("/api/v1/articles", json=ARTICLE, headers=writer)
    assert again.status_code == 400 and "already an article" in again.json()["detail"]
    found = await client.post(
        "/api/v1/articles/suggest", json={"question": "lost my authenticator"}, headers=writer
    )
    assert [s["id"] for s in found.json()["suggestions"]] == ["mfa-reset"]
    archived = await client.put(
        "/api/v1/articles/mfa-reset", json={**ARTICLE, "status": "archived"}, headers=writer
    )
    assert archived.status_code == 200
    gone = await client.post(
        "/api/v1/articles/suggest", json={"question": "lost my authenticator"}, headers=writer
    )
    assert gone.json()["suggestions"] == []
    listed = await client.get("/api/v1/articles?status=archived", headers=writer)
    assert [a["id"] for a in listed.json()["items"]] == ["mfa-reset"]
    reader = await _token(db, "tickets:read", role="agent")
    refused = await client.post("/api/v1/articles", json=ARTICLE, headers=reader)
    assert refused.status_code == 403 and "kb:write" in refused.json()["detail"]


async def test_an_agents_token_writes_drafts_only(client: httpx.AsyncClient, db: Database) -> None:
    agent = await _token(db, "kb:write", role="agent")
    refused = await client.post("/api/v1/articles", json=ARTICLE, headers=agent)
    assert refused.status_code == 403, "the person's role applies on top of the scopes"
    draft = await client.post(
        "/api/v1/articles", json={**ARTICLE, "status": "draft"}, headers=agent
    )
    assert draft.status_code == 201


async def test_people_groups_and_categories(client: httpx.AsyncClient, db: Database) -> None:
    await make_groups(db)
    reader = await _token(db, "people:read")
    people = await client.get("/api/v1/people?role=supervisor", headers=reader)
    assert [p["name"] for p in people.json()["items"]] == ["Api User"]
    person_id = people.json()["items"][0]["id"]
    person = await client.get(f"/api/v1/people/{person_id}", headers=reader)
    assert person.json()["role"] == "supervisor" and person.json()["identities"] == []
    groups = await client.get("/api/v1/groups", headers=reader)
    assert {g["name"] for g in groups.json()} == {"infrastructure", "service-desk"}
    categories = await client.get("/api/v1/categories", headers=reader)
    assert [(c["slug"], c["depth"]) for c in categories.json()] == [("network", 0)]
    no_scope = await _token(db, "tickets:read", role="agent")
    assert (await client.get("/api/v1/people", headers=no_scope)).status_code == 403
