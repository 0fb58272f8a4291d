"""Canned replies in the panel: supervisors write them with a preview that fills the macros in
(for a sample ticket or a real one), a bad macro is refused with the text kept, agents read
them and send one from the ticket page; script in a reply is shown as text."""

from __future__ import annotations

import html

import httpx
from sqlalchemy import select

from core.domain.entities import OutboxMessage
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.desk import make_person, open_ticket

BODY = "Hi {requester.first_name}, #{ticket.number} is with {agent.name}. {{braces}}"


async def test_a_supervisor_writes_previews_edits_and_deletes_a_canned_reply(
    client: httpx.AsyncClient, db: Database
) -> None:
    rita = await make_person(db, "Rita Requester", external_id="501")
    number = await open_ticket(db, rita)
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam Supervisor")
    csrf = await signed_in(client, chief)
    assert "No canned replies yet." in (await client.get("/canned")).text
    editor = await client.get("/canned/new")
    assert editor.status_code == 200 and "{requester.first_name}" in editor.text

    sample = await client.post("/canned/preview", data={"csrf_token": csrf, "body": BODY})
    assert sample.text.strip() == (
        '<p class="pre">Hi Erin, #1001 is with Sam Supervisor. {braces}</p>'
    )
    real = await client.post(
        "/canned/preview", data={"csrf_token": csrf, "body": BODY, "preview_number": f"#{number}"}
    )
    assert f"Hi Rita, #{number} is with Sam Supervisor." in real.text
    missing = await client.post(
        "/canned/preview", data={"csrf_token": csrf, "body": BODY, "preview_number": "10²⁰"}
    )
    assert 'role="alert"' in missing.text and "There is no ticket #10²⁰." in missing.text
    unknown = await client.post(
        "/canned/preview", data={"csrf_token": csrf, "body": "Hi {requester.email}"}
    )
    assert "Unknown macro {requester.email}." in html.unescape(unknown.text)

    refused = await client.post(
        "/canned", data={"csrf_token": csrf, "name": "hello", "body": "Hi {agent.phone}"}
    )
    assert refused.status_code == 400
    assert "Unknown macro {agent.phone}." in html.unescape(refused.text)
    assert "Hi {agent.phone}</textarea>" in refused.text, "the typed text is kept"
    saved = await client.post("/canned", data={"csrf_token": csrf, "name": "Hello", "body": BODY})
    assert saved.status_code == 303 and saved.headers["location"] == "/canned"
    listed = await client.get("/canned")
    assert "Saved." in listed.text and "<code>hello</code>" in listed.text
    async with db.uow() as uow:
        stored = await uow.canned.get("hello")
        assert stored is not None and stored.author_name == "Sam Supervisor"
    edit = await client.get(f"/canned/{stored.id}")
    assert "Hi Erin, #1001 is with Sam Supervisor. {braces}" in edit.text, "preview on arrival"
    renamed = await client.post(
        "/canned",
        data={"csrf_token": csrf, "reply_id": str(stored.id), "name": "greet", "body": "Hi!"},
    )
    assert renamed.status_code == 303
    deleted = await client.post(f"/canned/{stored.id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303
    async with db.uow() as uow:
        assert await uow.canned.all() == []
    assert (await client.get(f"/canned/{stored.id}")).status_code == 404


async def test_agents_read_canned_replies_and_send_one_from_the_ticket_page(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser, kicks: list[int]
) -> None:
    rita = await make_person(db, "Rita Requester", external_id="501")
    number = await open_ticket(db, rita)
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam")
    boss_csrf = await signed_in(client, chief)
    await client.post(
        "/canned",
        data={"csrf_token": boss_csrf, "name": "xss", "body": "<script>alert(1)</script> " + BODY},
    )
    client.cookies.clear()

    csrf = await signed_in(client, agent_user)
    listed = await client.get("/canned")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed.text
    assert "<script>alert" not in listed.text
    assert "/canned/new" not in listed.text, "agents do not get the editor"
    assert (await client.get("/canned/new")).status_code == 403
    written = await client.post("/canned", data={"csrf_token": csrf, "name": "x", "body": "y"})
    assert written.status_code == 403
    async with db.uow() as uow:
        assert [r.name for r in await uow.canned.all()] == ["xss"]

    page = await client.get(f"/tickets/{number}")
    assert '<option value="xss">xss</option>' in page.text
    sent = await client.post(f"/tickets/{number}/canned", data={"csrf_token": csrf, "name": "xss"})
    assert sent.status_code == 303 and kicks, "the outbox worker is woken"
    unknown = await client.post(
        f"/tickets/{number}/canned", data={"csrf_token": csrf, "name": "nope"}
    )
    assert unknown.status_code == 404 and "There is no canned reply" in unknown.text
    forged = await client.post(f"/tickets/{number}/canned", data={"name": "xss"})
    assert forged.status_code == 403
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.id is not None
        bodies = [m.body for m in await uow.history.messages(ticket.id)]
        queued = (await uow.session.execute(select(OutboxMessage))).scalars().all()
    assert bodies == [
        f"<script>alert(1)</script> Hi Rita, #{number} is with Alice Agent. {{braces}}"
    ]
    assert any("is with Alice Agent" in str(m.payload) for m in queued)
