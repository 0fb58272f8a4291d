"""People and structure in the panel: supervisors manage agents (role, line, groups, active)
and groups; admins also make admins, invite agents and shape the category tree."""

from __future__ import annotations

import httpx

from core.domain.enums import Role, SupportLine
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.desk import make_groups, make_person


async def test_a_supervisor_changes_an_agents_role_line_groups_and_deactivates_them(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_groups(db)
    bob = await make_person(db, "Bob Builder", role=Role.AGENT, external_id="12", username="bob")
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam")
    csrf = await signed_in(client, chief)
    page = await client.get("/people")
    assert "Bob Builder" in page.text and "telegram: @bob" in page.text
    form = await client.get(f"/people/agents/{bob.id}")
    assert form.status_code == 200 and 'value="Bob Builder"' in form.text
    saved = await client.post(
        f"/people/agents/{bob.id}",
        data={
            "csrf_token": csrf,
            "display_name": "Bob B.",
            "role": "supervisor",
            "line": "2",
            "group": ["infrastructure", "service-desk"],
            "language": "ru",
            "email": "bob@example.com",
            "active": "1",
        },
    )
    assert saved.status_code == 303
    async with db.uow() as uow:
        person = await uow.people.get(bob.id)
        assert person is not None
        assert (person.display_name, person.role, person.support_line, person.language) == (
            "Bob B.",
            Role.SUPERVISOR,
            SupportLine.SECOND,
            "ru",
        )
        groups = {g.name: g.id for g in await uow.catalog.groups()}
        members = {
            name for name, gid in groups.items()
            if bob.id in {m.person_id for m in await uow.catalog.members(gid or 0)}
        }  # fmt: skip
    assert members == {"infrastructure", "service-desk"}
    out = await client.post(
        f"/people/agents/{bob.id}",
        data={"csrf_token": csrf, "display_name": "Bob B.", "role": "agent", "line": "1"},
    )
    assert out.status_code == 303
    async with db.uow() as uow:
        person = await uow.people.get(bob.id)
        assert person is not None and not person.is_active and person.role == Role.AGENT
    assert "deactivated" in (await client.get("/people")).text


async def test_supervisors_cannot_make_admins_or_lock_themselves_out(
    client: httpx.AsyncClient, db: Database
) -> None:
    bob = await make_person(db, "Bob", role=Role.AGENT, external_id="12")
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam")
    csrf = await signed_in(client, chief)
    refused = await client.post(
        f"/people/agents/{bob.id}",
        data={"csrf_token": csrf, "display_name": "Bob", "role": "admin", "active": "1"},
    )
    assert refused.status_code == 403 and "Only admins can make or change admins." in refused.text
    myself = await client.post(
        f"/people/agents/{chief.person_id}",
        data={"csrf_token": csrf, "display_name": "Sam", "role": "agent", "active": "1"},
    )
    assert myself.status_code == 400 and "your own right to manage people" in myself.text
    assert (await client.post("/people/invites", data={"csrf_token": csrf})).status_code == 403


async def test_agents_do_not_see_people_pages(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    assert (await client.get("/people")).status_code == 403
    assert 'href="/people"' not in (await client.get("/")).text


async def test_groups_invites_and_categories(
    client: httpx.AsyncClient, db: Database, admin_user: PanelUser
) -> None:
    await make_groups(db)
    csrf = await signed_in(client, admin_user)
    made = await client.post(
        "/people/groups",
        data={"csrf_token": csrf, "name": "field-service", "line": "2", "description": "On site"},
    )
    assert made.status_code == 303
    bad = await client.post("/people/groups", data={"csrf_token": csrf, "name": "Field Service"})
    assert bad.status_code == 400 and "kebab-case" in bad.text
    invite = await client.post("/people/invites", data={"csrf_token": csrf, "role": "agent"})
    assert invite.status_code == 201 and "/start agent-" in invite.text
    added = await client.post(
        "/people/categories",
        data={
            "csrf_token": csrf,
            "slug": "wifi",
            "name": "Wi-Fi",
            "name_ru": "Вай-фай",
            "parent": "network",
            "group": "field-service",
            "ticket_type": "incident",
        },
    )
    assert added.status_code == 303
    page = await client.get("/people")
    assert "field-service" in page.text and "Wi-Fi" in page.text
    assert 'class="depth-1"' in page.text, "Wi-Fi sits under Network in the tree"
    archived = await client.post("/people/categories/network/archive", data={"csrf_token": csrf})
    assert archived.status_code == 303
    async with db.uow() as uow:
        assert not [c.slug for c in await uow.catalog.categories()], "the subtree is archived"
