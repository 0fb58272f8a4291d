"""The daily digest on a fake clock: posted at the start of each working day, once per day however
many processes run the job, with the counts of the desk now and since the previous working day
began (days off included)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core.domain.entities import OutboxMessage
from core.domain.enums import Level, Role
from core.messages import reply_from_payload
from core.ports import AgentRoom
from core.services import routing_rules, sla_config, workflow
from core.services.clocks import ensure_defaults
from core.services.daily_digest import post_daily_digest
from storage import tables
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

ROOMS = [AgentRoom("telegram", "-100", "en"), AgentRoom("telegram", "-200", "ru")]


async def _digests(db: Database) -> list[tuple[str, str]]:
    async with db.uow() as uow:
        rows = await uow.session.execute(  # type: ignore[attr-defined]
            select(OutboxMessage)
            .where(tables.outbox.c.ticket_id.is_(None))
            .order_by(tables.outbox.c.id)
        )
        return [(m.recipient, reply_from_payload(m.payload).plain_text()) for m in rows.scalars()]


async def _post(db: Database) -> bool:
    async with db.uow() as uow:
        posted = await post_daily_digest(uow)
        await uow.commit()
    return posted


async def test_once_per_working_day_at_its_start(db: Database, clock: FakeClock) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Mon–Fri 09:00–18:00
        await uow.rooms.replace(ROOMS)
        await uow.commit()
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")

    clock.current = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)  # Friday 10:00 in Berlin
    done = [await open_ticket(db, rita, title=f"done {n}") for n in range(3)]
    for number, score in zip(done, (5, 4, None), strict=True):
        async with db.uow() as uow:
            await workflow.resolve(uow, actor=alice, number=number, resolution="fixed")
            if score is not None:
                await workflow.rate(uow, actor=rita, number=number, score=score)  # closes it
            await uow.commit()

    clock.current = datetime(2026, 2, 28, 9, 0, tzinfo=UTC)  # Saturday: no working day
    assert not await _post(db)
    clock.current = datetime(2026, 3, 2, 7, 55, tzinfo=UTC)  # Monday 08:55: not yet
    urgent = await open_ticket(
        db, rita, "Server down", "all", impact=Level.HIGH, urgency=Level.HIGH
    )
    await open_ticket(db, rita, "Slow laptop", "since Friday", impact=Level.LOW, urgency=Level.LOW)
    async with db.uow() as uow:
        await workflow.claim(uow, actor=alice, number=urgent)
        await uow.commit()
    assert not await _post(db)
    assert await _digests(db) == []

    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00
    assert await _post(db)
    assert not await _post(db)
    other_process = Database(db.engine.url.render_as_string(hide_password=False), clock=clock)
    async with other_process.uow() as uow:
        assert not await post_daily_digest(uow)
    await other_process.dispose()
    # P1: response due 09:30 today; P4: response within 1 working day (9 h), so 18:00 today
    assert await _digests(db) == [
        (
            "-100",
            "Desk digest for 2026-03-02\n"
            "Open: 2 · unassigned: 1 · due today: 2 · breached: 0\n"
            "2026-02-27 – 2026-03-01: 3 resolved, 2 closed; CSAT 4.5 from 2 ratings",
        ),
        (
            "-200",
            "Сводка службы поддержки на 2026-03-02\n"
            "Открыто: 2 · не назначено: 1 · срок сегодня: 2 · просрочено: 0\n"
            "2026-02-27 – 2026-03-01: решено 3, закрыто 2; CSAT 4.5 по оценкам: 2",
        ),
    ]

    clock.current = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)  # Tuesday 17:00: late, still today
    assert await _post(db)
    tuesday = (await _digests(db))[-2][1]
    assert tuesday == (
        "Desk digest for 2026-03-03\n"
        "Open: 2 · unassigned: 1 · due today: 0 · breached: 2\n"
        "2026-03-02: 0 resolved, 0 closed; no ratings"
    )
    clock.current = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)  # Wednesday 18:30: the day is over
    assert not await _post(db)


async def test_work_on_the_default_calendars_days_off_is_in_mondays_digest(
    db: Database, clock: FakeClock
) -> None:
    """The infrastructure group keeps a 24×7 calendar of its own: what it resolves on a Sunday is
    counted on Monday (with Friday), and Tuesday's digest counts Monday alone."""
    await make_groups(db)
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Mon–Fri 09:00–18:00
        await sla_config.set_calendar(uow, name="noc", hours="24x7", timezone="UTC")
        await sla_config.use_calendar(uow, group="infrastructure", calendar="noc")
        await routing_rules.add_rule(uow, name="noc", keywords="switch", group="infrastructure")
        await uow.rooms.replace(ROOMS[:1])
        await uow.commit()
    rita = await make_person(db, "Rita")
    nina = await make_person(db, "Nina", role=Role.AGENT, external_id="12")

    clock.current = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # Sunday night
    number = await open_ticket(db, rita, "Core switch down")
    async with db.uow() as uow:
        await workflow.resolve(uow, actor=nina, number=number, resolution="replaced the PSU")
        await workflow.rate(uow, actor=rita, number=number, score=5)
        await uow.commit()

    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
    assert await _post(db)
    clock.current = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # Tuesday 09:00
    assert await _post(db)
    assert [text.splitlines()[-1] for _, text in await _digests(db)] == [
        "2026-02-27 – 2026-03-01: 1 resolved, 1 closed; CSAT 5.0 from 1 ratings",
        "2026-03-02: 0 resolved, 0 closed; no ratings",
    ]
