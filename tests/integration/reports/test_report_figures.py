"""Every report's figures against the same figures computed independently from a generated
history (tests/support/report_oracle.py), on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from core.reports.catalog import REPORTS
from core.reports.query import parse_query
from core.reports.tables import Report
from storage.report_facts import run_report
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.report_history import FIRST_DAY, LAST_DAY, NOW, ZONE, History, generate, store
from tests.support.report_oracle import Ask, expected

ASKS = [
    Ask(FIRST_DAY, LAST_DAY, ZONE),
    Ask(FIRST_DAY, LAST_DAY, ZONE, "week", {"group": "infra"}),
    Ask(FIRST_DAY, LAST_DAY, "UTC", "month", {"priority": "P2"}),
    Ask(date(2026, 9, 21), date(2026, 10, 4), ZONE, "day", {"channel": "slack"}),  # DST week
    Ask(date(2026, 10, 19), date(2026, 11, 1), "America/Los_Angeles", "week", {"agent": "Boris"}),
    Ask(FIRST_DAY, LAST_DAY, ZONE, "month", {"category": "network", "type": "incident"}),
]


def _fields(ask: Ask) -> dict[str, str]:
    return {
        "from": ask.first.isoformat(),
        "to": ask.last.isoformat(),
        "tz": ask.tz,
        "period": ask.period,
        **(ask.filters or {}),
    }


def _matches(actual: object, wanted: object) -> bool:
    if isinstance(wanted, set):
        return actual in wanted
    return actual == wanted


def _compare(report: Report, figures: dict[str, list[tuple[object, ...]]], where: str) -> None:
    assert {table.key for table in report.tables} == set(figures), where
    for table in report.tables:
        want = figures[table.key]
        assert len(table.rows) == len(want), f"{where} {table.key}: {table.rows} != {want}"
        for got, row in zip(table.rows, want, strict=True):
            assert len(got) == len(row), f"{where} {table.key}"
            assert all(_matches(a, w) for a, w in zip(got, row, strict=True)), (
                f"{where} {table.key}: {got} != {row}"
            )


@pytest.fixture(scope="module")
def history() -> History:
    return generate()


def test_the_history_has_what_the_reports_must_handle(history: History) -> None:
    from tests.support import report_oracle as o

    tickets = history.tickets
    assert any(o.reopened(t) for t in tickets)
    assert any(len(t.ratings) > 1 and t.ratings[0][1] != t.ratings[-1][1] for t in tickets)
    assert any(s == o.S.WAITING for t in tickets for _, s in t.statuses)
    assert any(t.created_at.date() == date(2026, 10, 26) for t in tickets)  # the holiday (UTC)
    spanning = [  # a ticket spanning local midnight in Auckland, not in UTC (or the reverse)
        t
        for t in tickets
        if (done := o.final_resolved(t))
        and (
            t.created_at.astimezone(o.ZoneInfo(ZONE)).date()
            != done.astimezone(o.ZoneInfo(ZONE)).date()
        )
        != (t.created_at.date() != done.date())
    ]
    assert spanning
    states = [o.sla_states(t, NOW) for t in tickets]
    assert {"met", "breached", "running"} <= {s for pair in states for s in pair}


async def test_every_report_matches_the_independent_figures(
    db: Database, clock: FakeClock, history: History
) -> None:
    clock.current = NOW
    await store(db, history)
    for ask in ASKS:
        query = parse_query(_fields(ask), default_timezone=ZONE, today=NOW.date())
        for name in REPORTS:
            async with db.uow() as uow:
                report = await run_report(uow, name, query)
            _compare(report, expected(history, ask, name), f"{name} {_fields(ask)}")


async def test_an_empty_range_gives_empty_figures_not_errors(
    db: Database, clock: FakeClock, history: History
) -> None:
    clock.current = NOW
    await store(db, history)
    query = parse_query(
        {"from": "2020-01-01", "to": "2020-01-31"}, default_timezone=ZONE, today=NOW.date()
    )
    for name in REPORTS:
        async with db.uow() as uow:
            report = await run_report(uow, name, query)
        assert report.tables
    async with db.uow() as uow:
        load = await run_report(uow, "load", query)
        speed = await run_report(uow, "speed", query)
    assert all(row[1:] == (0, 0, 0) for row in load.table("volume").rows)
    assert len(load.table("volume").rows) == 31
    assert speed.table("overall").rows[0] == ("first response, working time", 0, None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"group": "nobody"}, "Unknown group 'nobody'"),
        ({"agent": "Zed"}, "Unknown agent 'Zed'"),
        ({"category": "food"}, "Unknown category 'food'"),
        ({"channel": "fax"}, "Unknown channel 'fax'"),
    ],
)
async def test_unknown_filter_values_are_refused_clearly(
    db: Database, fields: dict[str, str], message: str
) -> None:
    query = parse_query(fields, default_timezone=ZONE, today=NOW.date())
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match=message):
            await run_report(uow, "load", query)
