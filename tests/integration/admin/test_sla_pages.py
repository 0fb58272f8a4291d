"""SLA in the panel: supervisors see and change policies, calendars (with holidays), which group
works on which calendar and the follow-up timings, with the command line's checks; a bad value
is refused with the reason and changes nothing; open tickets' clocks follow a change; agents
are refused."""

from __future__ import annotations

import html
from dataclasses import dataclass

import httpx
import pytest

from core.domain.enums import Priority
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.desk import make_groups, make_person, open_ticket


@dataclass
class SlaScreen:
    """A supervisor signed in, who has opened /sla once (the shipped policies are stored)."""

    client: httpx.AsyncClient
    csrf: str

    async def post(self, path: str, **data: str) -> httpx.Response:
        return await self.client.post(path, data={"csrf_token": self.csrf, **data})

    async def saved(self, path: str, **data: str) -> None:
        """Post a change the screen takes (it answers with a redirect)."""
        answer = await self.post(path, **data)
        assert answer.status_code == 303, (path, data, answer.text[-2000:])

    async def refusal(self, path: str, **data: str) -> str:
        """The page answering a refused change (400), its text unescaped."""
        answer = await self.post(path, **data)
        assert answer.status_code == 400, data
        return html.unescape(answer.text)


async def _screen(client: httpx.AsyncClient, db: Database, language: str) -> SlaScreen:
    await make_groups(db)
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam", language=language)
    screen = SlaScreen(client, await signed_in(client, chief))
    assert (await client.get("/sla")).status_code == 200
    return screen


@pytest.fixture
async def sla(client: httpx.AsyncClient, db: Database) -> SlaScreen:
    return await _screen(client, db, "en")


@pytest.fixture
async def sla_in_russian(client: httpx.AsyncClient, db: Database) -> SlaScreen:
    return await _screen(client, db, "ru")


async def _policies(db: Database) -> dict[str, tuple[str, str]]:
    async with db.uow() as uow:
        return {p.scope: (str(p.response), str(p.resolution)) for p in await uow.sla.policies()}


async def test_a_supervisor_changes_a_policy_and_open_tickets_follow(
    client: httpx.AsyncClient, db: Database, sla: SlaScreen
) -> None:
    rita = await make_person(db, "Rita", external_id="501")
    page = await client.get("/sla")
    assert page.status_code == 200 and "Policies" in page.text
    shipped = await _policies(db)
    assert "P3" in shipped, "the shipped policies are stored on the first visit"

    number = await open_ticket(db, rita)
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.priority is Priority.P3
        due_before = ticket.sla.response_due_at
    assert due_before is not None

    await sla.saved("/sla/policies", priority="P3", response="3d", resolve="5d")
    assert (await _policies(db))["P3"] == ("3d", "5d")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.sla.response_due_at is not None
        assert ticket.sla.response_due_at > due_before, "the open ticket's clock was recomputed"
    shown = await client.get("/sla")
    assert "Saved. The open tickets' clocks are recomputed." in html.unescape(shown.text)

    scope = {"priority": "P2", "ticket_type": "incident", "category": "network"}
    await sla.saved(
        "/sla/policies",
        **scope,
        response="20m",
        resolve="2h",
        warn="50%",
        escalation="raise_priority",
    )
    assert (await _policies(db))["P2 incident category=network"] == ("20m", "2h")
    await sla.saved("/sla/policies/remove", **scope)
    assert "P2 incident category=network" not in await _policies(db)


async def test_bad_values_are_refused_with_the_reason_and_change_nothing(
    client: httpx.AsyncClient, db: Database, sla: SlaScreen
) -> None:
    before = await _policies(db)
    cases = [
        ({"priority": "P3", "response": "soon"}, "soon"),
        ({"priority": "P9", "response": "1h", "resolve": "2h"}, "Unknown priority 'P9'"),
        ({"priority": "P1", "category": "nowhere", "response": "1h", "resolve": "2h"}, "nowhere"),
        ({"priority": "P1", "warn": "150%"}, "150"),
        ({"priority": "P1", "escalation": "explode"}, "explode"),
        ({"priority": "P1", "ticket_type": "<b>x</b>"}, "&lt;b&gt;x&lt;/b&gt;"),
    ]
    for data, reason in cases:
        answer = await sla.post("/sla/policies", **data)
        assert answer.status_code == 400, data
        assert 'role="alert"' in answer.text and "<b>x</b>" not in answer.text
        assert reason in answer.text or reason in html.unescape(answer.text), data
    kept = await sla.post("/sla/policies", priority="P4", response="whenever")
    assert 'value="whenever"' in kept.text, "the typed value is kept"
    assert await _policies(db) == before
    forged = await client.post("/sla/policies", data={"priority": "P3", "response": "9d"})
    assert forged.status_code == 403 and await _policies(db) == before


async def test_calendars_holidays_groups_and_follow_ups(
    client: httpx.AsyncClient, db: Database, sla: SlaScreen
) -> None:
    berlin = {"name": "berlin", "hours": "mon-fri 09:00-17:00", "timezone": "Europe/Berlin"}
    assert "Mars/Base" in await sla.refusal("/sla/calendars", **{**berlin, "timezone": "Mars/Base"})
    await sla.refusal("/sla/calendars", **{**berlin, "hours": "mon-fri 18:00-09:00"})
    await sla.saved("/sla/calendars", **berlin)
    await sla.saved("/sla/calendars/holidays", calendar="berlin", date="12-25", label="Xmas")
    await sla.refusal("/sla/calendars/holidays", calendar="berlin", date="02-30")
    await sla.saved("/sla/groups", group="service-desk", calendar="berlin")
    assert "Unknown group" in await sla.refusal("/sla/groups", group="nobody", calendar="berlin")
    page = await client.get("/sla")
    assert "Europe/Berlin" in page.text and "12-25 Xmas" in page.text
    assert '<option value="berlin" selected>berlin</option>' in page.text

    async with db.uow() as uow:
        stored = next(c for c in await uow.sla.calendars() if c.name == "berlin")
        group = await uow.catalog.group("service-desk")
        assert group is not None and group.calendar_id == stored.id
        assert [str(h) for h in stored.holidays] == ["12-25"]
    assert "is the default" in await sla.refusal("/sla/calendars/remove", name="default")
    await sla.saved("/sla/calendars/holidays/remove", calendar="berlin", date="12-25")
    await sla.saved("/sla/calendars/remove", name="berlin")
    async with db.uow() as uow:
        assert [c.name for c in await uow.sla.calendars()] == ["default"]

    await sla.saved("/sla/follow-ups", auto_close="off", waiting_reminder="1d 4h")
    refused = await sla.refusal("/sla/follow-ups", auto_close="2d", rating_reminder="never")
    assert 'value="never"' in refused
    async with db.uow() as uow:
        options = await uow.sla.options()
    assert (options["auto_close"], options["waiting_reminder"]) == ("off", "1d 4h")

    await sla.saved("/sla/calendars", name="<script>x</script>", hours="24x7", timezone="UTC")
    page = await client.get("/sla")
    assert "<script>x</script>" not in page.text
    assert html.escape("<script>x</script>") in page.text


async def test_agents_cannot_see_or_change_the_sla(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    csrf = await signed_in(client, agent_user)
    assert (await client.get("/sla")).status_code == 403
    refused = await client.post(
        "/sla/policies", data={"csrf_token": csrf, "priority": "P1", "response": "1m"}
    )
    assert refused.status_code == 403
    assert 'href="/sla"' not in (await client.get("/tickets")).text


async def test_a_russian_speaking_supervisor_reads_the_refusals_in_russian(
    sla_in_russian: SlaScreen,
) -> None:
    refusal = sla_in_russian.refusal
    assert "«soon» — не длительность" in await refusal(
        "/sla/policies", priority="P3", response="soon"
    )
    assert "«explode» — неизвестное значение (действие при нарушении)." in await refusal(
        "/sla/policies", priority="P1", escalation="explode"
    )
    assert "Рабочие часы 18:00-09:00" in await refusal(
        "/sla/calendars", name="night", hours="mon-fri 18:00-09:00", timezone="UTC"
    )
