"""Writing people through /api/v1: register an agent (as ``chatdesk agents add``) and change
one (as the panel's people screen), with their rules; the token's person's role applies on top
of the people:write scope."""

from __future__ import annotations

import httpx

from core.domain.enums import Role, SupportLine
from core.services import api_tokens
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import make_user, signed_in
from tests.support.desk import make_groups, make_person

ALICE = {
    "name": "Alice Agent",
    "identity": {"channel": "telegram", "external_id": " 123456 ", "username": "alice"},
    "groups": ["service-desk"],
    "email": "alice@example.com",
}


async def _token(db: Database, role: str, *scopes: str) -> tuple[int, dict[str, str]]:
    user = await make_user(db, f"{role}-{'-'.join(scopes)}@example.com", role=role, name=role)
    async with db.uow() as uow:
        issued = await api_tokens.create_api_token(
            uow, actor=operator(), name="t", scopes=scopes, person_id=user.person_id
        )
        await uow.commit()
    return user.person_id, {"Authorization": f"Bearer {issued.secret}"}


def _problem(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status
    return str(response.json().get("detail", ""))


async def test_an_admin_registers_an_agent_and_changes_them(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_groups(db)
    _, admin = await _token(db, "admin", "people:read", "people:write")
    made = await client.post("/api/v1/people", json=ALICE, headers=admin)
    assert made.status_code == 201, made.text
    alice = made.json()
    assert made.headers["location"] == f"/api/v1/people/{alice['id']}"
    assert (alice["role"], alice["line"], alice["groups"], alice["active"]) == (
        "agent",
        1,
        ["service-desk"],
        True,
    )
    assert alice["identities"] == [
        {"channel": "telegram", "external_id": "123456", "username": "alice"}
    ]
    assert (await client.get(made.headers["location"], headers=admin)).json() == alice

    changed = await client.patch(
        f"/api/v1/people/{alice['id']}",
        json={"role": "supervisor", "line": 2, "groups": ["infrastructure"], "language": "ru"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("name", "role", "line", "groups", "language")} == {
        "name": "Alice Agent",
        "role": "supervisor",
        "line": 2,
        "groups": ["infrastructure"],
        "language": "ru",
    }, "fields left out keep their values"
    assert changed.json()["email"] == "alice@example.com"

    off = await client.patch(
        f"/api/v1/people/{alice['id']}", json={"active": False, "email": None}, headers=admin
    )
    assert (off.json()["active"], off.json()["email"]) == (False, None)
    async with db.uow() as uow:
        person = await uow.people.get(alice["id"])
        assert person is not None and not person.is_agent
        assert (person.role, person.support_line) == (Role.SUPERVISOR, SupportLine.SECOND)
        assert await uow.people.by_identity("telegram", "123456") is not None
    back = await client.patch(f"/api/v1/people/{alice['id']}", json={"active": True}, headers=admin)
    assert back.json()["active"] is True, "a deactivated agent can come back"


async def test_a_slack_agent_and_the_panel_sees_them(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_groups(db)
    _, admin = await _token(db, "admin", "people:write")
    made = await client.post(
        "/api/v1/people",
        json={
            "name": "Sasha Slack",
            "identity": {"channel": "slack", "external_id": "t012ab3c4:u0g9qf9c6"},
            "role": "admin",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["identities"][0]["external_id"] == "T012AB3C4:U0G9QF9C6"
    chief = await make_user(db, "chief@example.com", role="supervisor", name="Chief")
    await signed_in(client, chief)
    page = await client.get("/people")
    assert "Sasha Slack" in page.text and "T012AB3C4:U0G9QF9C6" in page.text


async def test_a_duplicate_account_is_a_conflict_and_bad_input_a_problem(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_groups(db)
    bob = await make_person(db, "Bob Requester", external_id="777")
    _, admin = await _token(db, "admin", "people:write")
    taken = await client.post(
        "/api/v1/people",
        json={**ALICE, "identity": {"channel": "telegram", "external_id": "777"}},
        headers=admin,
    )
    assert f"person {bob.id}" in _problem(taken, 409)
    async with db.uow() as uow:
        person = await uow.people.get(bob.id)
        assert person is not None and person.role == Role.REQUESTER, "nothing was changed"
    for body, words in [
        ({**ALICE, "identity": {"channel": "fax", "external_id": "1"}}, "Unknown channel"),
        ({**ALICE, "identity": {"channel": "telegram", "external_id": "alice"}}, "number"),
        ({**ALICE, "language": "de"}, "Unsupported language"),
        ({**ALICE, "groups": ["nowhere"]}, "Unknown group"),
        ({**ALICE, "email": "not-an-address"}, "not an e-mail address"),
        ({**ALICE, "email": "a" * 320 + "@example.com"}, "not an e-mail address"),
        ({**ALICE, "name": "  "}, "must not be empty"),
    ]:
        assert words in _problem(await client.post("/api/v1/people", json=body, headers=admin), 400)
    _problem(
        await client.post("/api/v1/people", json={**ALICE, "role": "boss"}, headers=admin), 422
    )
    async with db.uow() as uow:
        assert await uow.people.by_identity("telegram", "123456") is None


async def test_changes_follow_the_panels_rules(client: httpx.AsyncClient, db: Database) -> None:
    await make_groups(db)
    bob = await make_person(db, "Bob Agent", role=Role.AGENT, external_id="12")
    rita = await make_person(db, "Rita Requester", external_id="13")
    chief_id, chief = await _token(db, "supervisor", "people:write")
    admin_id, admin = await _token(db, "admin", "people:write")

    promoted = await client.patch(
        f"/api/v1/people/{bob.id}", json={"role": "supervisor", "name": "Bob B."}, headers=chief
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "supervisor"
    refusals = [
        (chief, bob.id, {"role": "admin"}, 403, "Only admins"),
        (chief, admin_id, {"line": 2}, 403, "Only admins"),
        (chief, chief_id, {"role": "agent"}, 400, "your own right"),
        (chief, chief_id, {"active": False}, 400, "your own right"),
        (admin, admin_id, {"active": False}, 400, "your own right"),
        (admin, bob.id, {"role": "requester"}, 400, "deactivate"),
        (admin, bob.id, {"language": "de"}, 400, "Unsupported language"),
        (admin, bob.id, {"groups": ["nowhere"]}, 400, "Unknown group"),
        (admin, bob.id, {"email": "b" * 320 + "@example.com"}, 400, "not an e-mail"),
        (admin, rita.id, {"role": "agent"}, 404, "no agent"),
        (admin, 999_999, {"line": 1}, 404, "no person"),
    ]
    for headers, person_id, body, status, words in refusals:
        answer = await client.patch(f"/api/v1/people/{person_id}", json=body, headers=headers)
        assert words in _problem(answer, status), (person_id, body)
    for body in [{"name": None}, {"line": 3}, {"active": "maybe"}, {"groups": "service-desk"}]:
        _problem(await client.patch(f"/api/v1/people/{bob.id}", json=body, headers=admin), 422)
    async with db.uow() as uow:
        person = await uow.people.get(bob.id)
        assert person is not None
        assert (person.display_name, person.role) == ("Bob B.", Role.SUPERVISOR)
    assert (await client.post("/api/v1/people", json=ALICE, headers=chief)).status_code == 403, (
        "only admins register agents, as on the command line"
    )
    made = await client.patch(f"/api/v1/people/{bob.id}", json={"role": "admin"}, headers=admin)
    assert made.json()["role"] == "admin", "admins make admins"


async def test_people_write_needs_its_scope(client: httpx.AsyncClient, db: Database) -> None:
    bob = await make_person(db, "Bob Agent", role=Role.AGENT, external_id="12")
    _, reader = await _token(db, "admin", "people:read")
    refused = await client.patch(f"/api/v1/people/{bob.id}", json={"line": 2}, headers=reader)
    assert "people:write" in _problem(refused, 403)
    assert "people:write" in _problem(
        await client.post("/api/v1/people", json=ALICE, headers=reader), 403
    )
    _problem(await client.patch(f"/api/v1/people/{bob.id}", json={"line": 2}), 401)
