"""The clock sweep against a real database on a fake clock: each warning, breach, escalation,
reminder and automatic action happens once, audited with the system as actor."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.entities import OutboxMessage
from core.domain.enums import Level, Role, SupportLine, TicketStatus
from core.domain.sla import SlaState
from core.messages import reply_from_payload
from core.ports import AgentRoom
from core.services import tickets, workflow
from core.services.clock_sweep import ClockSweeper
from core.services.clocks import ensure_defaults
from storage import tables
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

ROOM = AgentRoom("telegram", "-100", "en")


async def _desk(db: Database) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Mon–Fri 09:00–18:00
        await uow.rooms.replace([ROOM])
        await uow.commit()


async def _room_notices(db: Database) -> list[str]:
    """Texts posted to the agents' room other than ticket cards, oldest first."""
    async with db.uow() as uow:
        rows = await uow.session.execute(  # type: ignore[attr-defined]
            select(OutboxMessage)
            .where(
                tables.outbox.c.recipient == ROOM.chat_ref,
                tables.outbox.c.edit_key.is_(None),
                tables.outbox.c.reply_to_key.is_(None),
            )
            .order_by(tables.outbox.c.id)
        )
        return [reply_from_payload(m.payload).plain_text() for m in rows.scalars()]


async def _texts_to(db: Database, recipient: str) -> list[str]:
    async with db.uow() as uow:
        rows = await uow.session.execute(  # type: ignore[attr-defined]
            select(OutboxMessage)
            .where(tables.outbox.c.recipient == recipient)
            .order_by(tables.outbox.c.id)
        )
        return [reply_from_payload(m.payload).plain_text() for m in rows.scalars()]


async def test_a_p1_warns_then_breaches_and_escalates_once_each(
    db: Database, clock: FakeClock
) -> None:
    await _desk(db)  # the fake clock starts on Monday 2 March 2026, 10:00 in Berlin
    rita = await make_person(db, "Rita", external_id="501")
    await make_person(db, "Sam", role=Role.SUPERVISOR, external_id="900")
    number = await open_ticket(db, rita, category="network", impact=Level.HIGH, urgency=Level.HIGH)
    sweeper = ClockSweeper(db.uow)
    assert (await sweeper.sweep())["tickets"] == 0

    clock.advance(minutes=23)  # 75 % of the 30-minute response target has passed
    assert (await sweeper.sweep())["response_warning"] == 1
    assert sum((await sweeper.sweep()).values()) == 0
    notices = await _room_notices(db)
    assert notices == [f"⏰ Ticket #{number} (P1) needs a first response within 7 m (by 10:30)."]

    clock.advance(minutes=8)
    fired = await sweeper.sweep()
    assert fired["response_breach"] == 1
    for _ in range(3):
        assert sum((await sweeper.sweep()).values()) == 0
    notices = await _room_notices(db)
    assert notices[1:] == [
        f"🚨 Ticket #{number} (P1) missed its first-response target (due 10:30).\n"
        "Escalated to infrastructure."
    ]
    assert (await _texts_to(db, "900"))[-1] == notices[1]  # the supervisor is told directly

    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.line == SupportLine.SECOND
        assert ticket.sla.response_state == SlaState.BREACHED
        trail = [(a.action, a.actor_id, a.channel) for a in await uow.history.audit(ticket.id)]
    assert ("sla_warning", None, "system") in trail
    assert ("sla_breached", None, "system") in trail
    assert ("escalated", None, "system") in trail
    assert [a for a, _, _ in trail].count("sla_breached") == 1
    told = await _texts_to(db, str(rita.id))
    assert f"Ticket #{number} was passed to second-line support." in told


async def test_the_first_reply_stops_the_response_clock(db: Database, clock: FakeClock) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita", external_id="501")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita, impact=Level.HIGH, urgency=Level.HIGH)
    clock.advance(minutes=10)
    async with db.uow() as uow:  # a reply without claiming: no status change
        await tickets.reply(uow, actor=alice, number=number, body="Looking at it")
        await uow.commit()
    clock.advance(hours=1)
    fired = await ClockSweeper(db.uow).sweep()
    assert "response_warning" not in fired and "response_breach" not in fired
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.sla.response_state == SlaState.MET


async def test_an_unrated_resolved_ticket_is_reminded_then_closed(
    db: Database, clock: FakeClock
) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita", external_id="501", language="ru")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    async with db.uow() as uow:
        await workflow.claim(uow, actor=alice, number=number)
        await workflow.resolve(uow, actor=alice, number=number, resolution="Restarted the VPN")
        await uow.commit()
    sweeper = ClockSweeper(db.uow)
    clock.advance(hours=24 + 2 * 15)  # 24 working hours: Thursday 10:00
    assert (await sweeper.sweep())["reminder"] == 1
    assert sum((await sweeper.sweep()).values()) == 0
    reminder = (await _texts_to(db, str(rita.id)))[-1]
    assert reminder.startswith("Как мы справились с заявкой") and f"#{number}" in reminder
    clock.advance(days=1)  # 3 working days after resolving: Thursday 10:00 … then Friday
    assert (await sweeper.sweep())["auto_action"] == 1
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.status == TicketStatus.CLOSED
        trail = [(a.action, a.actor_id) for a in await uow.history.audit(ticket.id)]
    assert ("auto_closed", None) in trail and ("rating_reminder_sent", None) in trail
    assert sum((await sweeper.sweep()).values()) == 0


async def test_waiting_on_the_requester_reminds_then_resolves_as_no_answer(
    db: Database, clock: FakeClock
) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita", external_id="501")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    async with db.uow() as uow:
        await workflow.claim(uow, actor=alice, number=number)
        await tickets.reply(uow, actor=alice, number=number, body="Which office?")
        await workflow.change_status(uow, actor=alice, number=number, status=TicketStatus.WAITING)
        await uow.commit()
    sweeper = ClockSweeper(db.uow)
    clock.advance(days=2)  # Wednesday 10:00: two working days
    assert (await sweeper.sweep())["reminder"] == 1
    assert "still waiting for your answer" in (await _texts_to(db, str(rita.id)))[-1]
    clock.advance(days=5)  # the following Monday: five working days
    assert (await sweeper.sweep())["auto_action"] == 1
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None and ticket.status == TicketStatus.RESOLVED
    assert "did not hear back from you" in (await _texts_to(db, str(rita.id)))[-1]
