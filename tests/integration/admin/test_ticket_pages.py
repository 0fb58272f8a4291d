"""The ticket list and the ticket page: filters, search, pages, and actions that go through the
core's use cases (audited, delivered to the requester's messenger through the outbox)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from admin import ticket_list
from core.domain.entities import OutboxMessage
from core.domain.enums import Priority, Role, TicketStatus
from core.services import workflow
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, signed_in
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

_ROW = re.compile(r'<td><a href="/tickets/(\d+)">#')


def numbers(html: str) -> list[int]:
    return [int(n) for n in _ROW.findall(html)]


async def _desk(db: Database, clock: FakeClock) -> tuple[int, int, int]:
    """Three tickets from a Telegram requester, opened a minute apart: #1001 (network, then
    made P2), #1002, #1003 (then resolved)."""
    await make_groups(db)
    rita = await make_person(db, "Rita", external_id="501")
    agent = await make_person(db, "Bob", role=Role.AGENT, external_id="12")
    first = await open_ticket(db, rita, "VPN 100% down_here", category="network")
    clock.advance(minutes=1)
    second = await open_ticket(db, rita, "Printer jams", "Paper jam on floor 3")
    clock.advance(minutes=1)
    third = await open_ticket(db, rita, "Mail quota", "Mailbox full")
    clock.advance(minutes=1)
    async with db.uow() as uow:
        await workflow.set_priority(uow, actor=agent, number=first, priority=Priority.P2)
        await uow.commit()
    clock.advance(minutes=1)
    async with db.uow() as uow:
        await workflow.resolve(uow, actor=agent, number=third, resolution="Raised the quota")
        await uow.commit()
    return first, second, third


async def test_filters_search_and_pages(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser, clock: FakeClock
) -> None:
    first, second, third = await _desk(db, clock)
    await signed_in(client, agent_user)
    everything = await client.get("/tickets")
    assert numbers(everything.text) == [third, first, second]  # most recently updated first
    assert "3 tickets" in everything.text

    active = await client.get("/tickets?status=active")
    assert numbers(active.text) == [first, second]
    assert numbers((await client.get("/tickets?status=resolved")).text) == [third]
    assert numbers((await client.get("/tickets?priority=P2")).text) == [first]
    assert numbers((await client.get("/tickets?assignee=none&status=active")).text) == [
        first,
        second,
    ]
    assert numbers((await client.get("/tickets?channel=telegram&sort=created")).text) == [
        third,
        second,
        first,
    ]
    assert numbers((await client.get("/tickets?q=floor 3")).text) == [second], "description"
    assert numbers((await client.get(f"/tickets?q=%23{second}")).text) == [second], "#number"
    # LIKE wildcards and SQL are searched for literally
    assert numbers((await client.get("/tickets?q=100%25")).text) == [first]
    assert numbers((await client.get("/tickets?q=n_h")).text) == [first]
    assert numbers((await client.get("/tickets?q=%25 d")).text) == [first]
    short = await client.get("/tickets?q=jm")
    assert "Search needs at least 3 characters" in short.text
    assert numbers(short.text) == [third, first, second], "too short to filter by"
    injected = await client.get("/tickets?q=' OR 1=1 --")
    assert injected.status_code == 200 and numbers(injected.text) == []

    paged = await client.get("/tickets?per_page=25&page=99")
    assert paged.status_code == 200 and numbers(paged.text) == [third, first, second]
    bad = await client.get("/tickets?page=-1")
    assert bad.status_code == 400


async def test_a_text_search_counts_no_further_than_its_cap(
    client: httpx.AsyncClient,
    db: Database,
    agent_user: PanelUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each counted match of a text search is a row to check, so its count stops sooner than
    a filter's; the page still lists every match."""
    monkeypatch.setattr(ticket_list, "SEARCH_COUNT_CAP", 2)
    await make_groups(db)
    rita = await make_person(db, "Rita", external_id="501")
    printers = [await open_ticket(db, rita, f"Printer {n} jams") for n in range(3)]
    await signed_in(client, agent_user)
    found = await client.get("/tickets?q=printer&per_page=25")
    assert "More than 2 tickets" in found.text
    assert sorted(numbers(found.text)) == printers
    everything = await client.get("/tickets")
    assert "3 tickets" in everything.text, "without text the count goes on"


async def test_reply_note_assign_priority_status_from_the_ticket_page(
    client: httpx.AsyncClient,
    db: Database,
    agent_user: PanelUser,
    kicks: list[int],
    clock: FakeClock,
) -> None:
    first, _, _ = await _desk(db, clock)
    csrf = await signed_in(client, agent_user)
    page = f"/tickets/{first}"

    assigned = await client.post(f"{page}/assign", data={"csrf_token": csrf, "assignee": "me"})
    assert assigned.status_code == 303 and assigned.headers["location"] == page
    replied = await client.post(
        f"{page}/reply", data={"csrf_token": csrf, "body": "Restart the router, please"}
    )
    assert replied.status_code == 303
    await client.post(f"{page}/note", data={"csrf_token": csrf, "body": "Router is old"})
    await client.post(f"{page}/priority", data={"csrf_token": csrf, "priority": "P1"})
    await client.post(f"{page}/status", data={"csrf_token": csrf, "status": "waiting"})
    shown = await client.get(page)
    assert "Internal note added." not in shown.text, "a notice shows once, after its redirect"
    assert "Restart the router, please" in shown.text and "internal note" in shown.text
    assert len(kicks) == 5, "the outbox worker is woken after each change"
    refused = await client.post(f"{page}/priority", data={"csrf_token": csrf, "priority": "P9"})
    assert refused.status_code == 400 and "Unknown priority &#39;P9&#39;" in refused.text
    assert len(kicks) == 5, "a refusal commits nothing, so wakes nothing"

    async with db.uow() as uow:
        ticket = await uow.tickets.get(first)
        assert ticket is not None and ticket.id is not None
        assert (ticket.assignee_id, ticket.priority, ticket.status) == (
            agent_user.person_id,
            Priority.P1,
            TicketStatus.WAITING,
        )
        actions = [(a.action, a.channel) for a in await uow.history.audit(ticket.id)]
        sent = (
            (
                await uow.session.execute(
                    select(OutboxMessage).where(OutboxMessage.channel == "telegram")
                )
            )
            .scalars()
            .all()
        )
    assert ("assigned", "admin") in actions and ("noted", "admin") in actions
    assert ("priority_changed", "admin") in actions and ("replied", "admin") in actions
    to_rita = [m for m in sent if m.recipient == ticket.conversation_ref]
    texts = " ".join(str(m.payload) for m in to_rita)
    assert "Restart the router, please" in texts, "the reply goes to the requester's Telegram"
    assert "Router is old" not in texts, "internal notes never reach the requester"


async def test_a_refused_action_shows_why_and_keeps_the_draft(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser, clock: FakeClock
) -> None:
    _, _, third = await _desk(db, clock)
    csrf = await signed_in(client, agent_user)
    refused = await client.post(
        f"/tickets/{third}/priority", data={"csrf_token": csrf, "priority": "P1"}
    )
    assert refused.status_code == 409
    assert f"Ticket #{third} is resolved; its priority is final." in refused.text
    empty = await client.post(f"/tickets/{third}/reply", data={"csrf_token": csrf, "body": "   "})
    assert empty.status_code == 400 and "must not be empty" in empty.text
    long_reply = "x" * 20_001
    too_long = await client.post(
        f"/tickets/{third}/reply", data={"csrf_token": csrf, "body": long_reply}
    )
    assert too_long.status_code == 400 and "the limit is 20000" in too_long.text
    assert long_reply in too_long.text, "the draft is kept in the form"
    for odd in ("99999999999999999999", "¹⁰⁰¹", "١٠٠١", "-1", "abc"):
        assert (await client.get(f"/tickets/{odd}")).status_code == 404, odd
        posted = await client.post(f"/tickets/{odd}/note", data={"csrf_token": csrf, "body": "x"})
        assert posted.status_code == 404, odd
    assert (await client.get("/tickets/424242")).status_code == 404


async def test_without_the_csrf_token_nothing_changes(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser, clock: FakeClock
) -> None:
    first, _, _ = await _desk(db, clock)
    csrf = await signed_in(client, agent_user)
    for data in ({"body": "sneaky"}, {"body": "sneaky", "csrf_token": "forged"}):
        answer = await client.post(f"/tickets/{first}/reply", data=data)
        assert answer.status_code == 403
    other_session_token = csrf[::-1]
    answer = await client.post(
        f"/tickets/{first}/note", data={"body": "x", "csrf_token": other_session_token}
    )
    assert answer.status_code == 403
    async with db.uow() as uow:
        ticket = await uow.tickets.get(first)
        assert ticket is not None and ticket.id is not None
        assert all(m.body not in ("sneaky", "x") for m in await uow.history.messages(ticket.id))
    header = await client.post(
        f"/tickets/{first}/note", data={"body": "via header"}, headers={"X-CSRF-Token": csrf}
    )
    assert header.status_code == 303, "scripts may send the token as a header"


async def test_an_agent_cannot_open_admin_pages(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    answer = await client.get("/settings/accounts")
    assert answer.status_code == 403 and "This needs the admin role." in answer.text


async def test_the_panel_speaks_the_agents_language(
    app: FastAPI,
    client: httpx.AsyncClient,
    db: Database,
    agent_user: PanelUser,
    clock: FakeClock,
) -> None:
    _, _, third = await _desk(db, clock)
    csrf = await signed_in(client, agent_user)
    unknown = await client.post("/settings/language", data={"csrf_token": csrf, "language": "xx"})
    assert unknown.status_code == 400 and "Unsupported language &#39;xx&#39;." in unknown.text
    switched = await client.post("/settings/language", data={"csrf_token": csrf, "language": "ru"})
    assert switched.status_code == 303
    listing = await client.get("/tickets")
    assert "<h1>Заявки</h1>" in listing.text and 'lang="ru"' in listing.text
    assert "решена" in listing.text.lower() or "решён" in listing.text.lower()
    refused = await client.post(
        f"/tickets/{third}/priority", data={"csrf_token": csrf, "priority": "P1"}
    )
    assert refused.status_code == 409 and "Ticket #" not in refused.text, "the refusal in Russian"
    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://desk.test"
    )
    async with anonymous:
        login = await anonymous.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "<h1>Вход</h1>" in login.text
