"""Reports in the panel: charts with their tables, filters, the CSV of what is on screen, bad
input answered with the form and a reason (never a 500), and only for supervisors."""

from __future__ import annotations

import csv
import io
import re

import httpx

from core.reports.catalog import REPORTS
from core.reports.query import parse_query
from core.reports.tables import to_csv
from storage.report_facts import run_report
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.clock import FakeClock
from tests.support.report_history import NOW, ZONE, generate, store

RANGE = {"from": "2026-09-14", "to": "2026-10-31", "tz": ZONE}


async def _supervisor(db: Database, client: httpx.AsyncClient) -> PanelUser:
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam Supervisor")
    await signed_in(client, chief)
    return chief


async def test_each_report_shows_charts_tables_and_a_csv_of_the_same_figures(
    client: httpx.AsyncClient, db: Database, clock: FakeClock
) -> None:
    clock.current = NOW
    await store(db, generate(tickets=80, questions=40))
    await _supervisor(db, client)
    for name in REPORTS:
        page = await client.get(f"/reports/{name}", params={**RANGE, "period": "week"})
        assert page.status_code == 200, (name, page.text[:500])
        assert "<svg" in page.text and "<table>" in page.text, name
        link = re.search(r'href="(/reports/[a-z-]+\.csv\?[^"]+)" download', page.text)
        assert link, name
        exported = await client.get(link.group(1).replace("&amp;", "&"))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert "attachment" in exported.headers["content-disposition"]
        query = parse_query({**RANGE, "period": "week"}, default_timezone="UTC", today=NOW.date())
        async with db.uow() as uow:
            assert exported.text == to_csv(await run_report(uow, name, query)), name
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["table", "row", "column", "value"] and len(rows) > 1


async def test_a_filter_narrows_the_figures_and_stays_in_the_csv_link(
    client: httpx.AsyncClient, db: Database, clock: FakeClock
) -> None:
    clock.current = NOW
    await store(db, generate(tickets=80, questions=0))
    await _supervisor(db, client)
    everything = await client.get("/reports/load.csv", params=RANGE)
    infra = await client.get("/reports/load.csv", params={**RANGE, "group": "infra"})

    def created(text: str) -> int:
        return sum(
            int(r[3])
            for r in csv.reader(io.StringIO(text))
            if r[0] == "volume" and r[2] == "created"
        )

    assert 0 < created(infra.text) < created(everything.text)
    page = await client.get("/reports/load", params={**RANGE, "group": "infra"})
    assert "group=infra" in page.text
    assert '<option value="infra" selected>' in page.text


async def test_bad_input_gets_the_form_back_with_the_reason(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _supervisor(db, client)
    for params, reason in [
        ({"from": "2026-10-10", "to": "2026-10-01"}, "starts (2026-10-10) after it ends"),
        ({"from": "2000-01-01", "to": "2026-10-01"}, "at most"),
        ({"tz": "Nowhere/City"}, "Unknown time zone"),
        ({"group": "ghosts"}, "Unknown group"),
        ({"priority": "P7"}, "Unknown priority"),
    ]:
        page = await client.get("/reports/speed", params=params)
        assert page.status_code == 400 and reason in page.text.replace("&#39;", "'"), params
        assert 'role="alert"' in page.text
        exported = await client.get("/reports/speed.csv", params=params)
        assert exported.status_code == 400 and reason in exported.text
    assert (await client.get("/reports/nonsense")).status_code == 404
    assert (await client.get("/reports/nonsense.csv")).status_code == 404


async def test_an_empty_range_shows_empty_charts(client: httpx.AsyncClient, db: Database) -> None:
    await _supervisor(db, client)
    page = await client.get("/reports/quality", params={"from": "2020-01-01", "to": "2020-01-07"})
    assert page.status_code == 200
    assert "Nothing in this range." in page.text


async def test_agents_cannot_see_reports(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    assert (await client.get("/reports/agents")).status_code == 403
    assert (await client.get("/reports/agents.csv")).status_code == 403


async def test_reports_speak_russian(client: httpx.AsyncClient, db: Database) -> None:
    chief = await make_user(db, "ivan@example.com", role="supervisor", name="Иван")
    async with db.uow() as uow:
        person = await uow.people.get(chief.person_id)
        assert person is not None
        person.language = "ru"
        await uow.commit()
    await signed_in(client, chief)
    page = await client.get("/reports/speed", params={"from": "2026-10-01", "to": "2026-10-07"})
    assert page.status_code == 200
    assert "Отчёты" in page.text and "Первый ответ и решение" in page.text
    assert "первый ответ, рабочее время" in page.text
