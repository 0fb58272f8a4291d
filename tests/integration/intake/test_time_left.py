"""Cards and the agents' lists show how much time is left ("due in 30 m", "breached 15 m ago");
the queue puts the earliest deadline first within a priority."""

from __future__ import annotations

from core.domain.enums import Level, Priority
from core.ports import AgentRoom
from core.services import sla_config
from core.services.clocks import ensure_defaults
from storage.unit_of_work import Database
from tests.integration.intake.harness import ROOM, Desk
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket


async def test_cards_and_queue_show_time_left_earliest_deadline_first(
    db: Database, clock: FakeClock, channel: str
) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Mon–Fri 09:00–18:00
        await sla_config.set_policy(
            uow, priority=Priority.P1, response="2h", resolve="8h", category="network"
        )
        await uow.commit()
    desk = await Desk(db, rooms=(AgentRoom(channel, ROOM),), channel=channel).start()
    alice = await desk.agent("Alice", "11")
    rita = await make_person(db, "Rita", channel=channel, external_id="501")
    urgent = {"impact": Level.HIGH, "urgency": Level.HIGH}
    # Monday 2 March 2026, 10:00 in Berlin
    low = await open_ticket(db, rita, "Printer", "toner", impact=Level.LOW, urgency=Level.LOW)
    slow = await open_ticket(db, rita, "Network down", "office", category="network", **urgent)
    clock.advance(minutes=5)
    fast = await open_ticket(db, rita, "Mail down", "all of it", **urgent)  # due 10:35
    await desk.worker.sweep()

    card = next(d for d in reversed(desk.sender.to(ROOM)) if f"#{fast}" in d.text)
    assert "Response: due in 30 m (10:35)" in card.text
    assert "Resolution: due in 4 h (14:05)" in card.text
    slow_card = next(d for d in reversed(desk.sender.to(ROOM)) if f"#{slow}" in d.text)
    assert "Response: due in 2 h (12:00)" in slow_card.text

    queue = (await alice.command("/queue", private=False)).texts()[0].splitlines()
    assert [line.split(" · ")[0] for line in queue[1:]] == [f"#{fast}", f"#{slow}", f"#{low}"]
    assert queue[1].endswith("· P1 · due in 30 m (10:35)")

    clock.advance(minutes=45)  # 10:50: the mail ticket's response target passed 15 minutes ago
    queue = (await alice.command("/queue", private=False)).texts()[0].splitlines()
    assert queue[1] == f"#{fast} · new · Mail down · P1 · breached 15 m ago"
    assert queue[2].endswith("· P1 · due in 1 h 10 m (12:00)")
