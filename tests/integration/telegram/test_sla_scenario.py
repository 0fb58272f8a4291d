"""The SLA clockwork end to end on a fake clock, through the real bot (aiogram) and the fake
Bot API: a P1 ticket gets its warning, then breaches and is escalated to the second line, each
notice exactly once in the agents' room however often the sweep runs; a resolved ticket nobody
rates gets one rating reminder, then closes by itself, each message once in the requester's
chat. The sweeps are the runner's ``sla-clocks`` job, called here as the scheduler would."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain.enums import Level, Role, SupportLine, TicketStatus
from core.domain.sla import SlaState
from core.services import tickets
from core.services.clock_sweep import ClockSweeper
from core.services.clocks import ensure_defaults
from core.services.context import Actor
from storage import tables
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons, eventually
from tests.integration.telegram.staff import ALICE, RITA
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person

WARNED = "needs a first response"
BREACHED = "missed its first-response target"
REMINDED = "How did we do on ticket"
CLOSED = "is closed: it was resolved and nobody reopened it"


async def _outbox_idle(db: Database) -> bool:
    async with db.engine.connect() as connection:
        pending = await connection.execute(
            select(func.count())
            .select_from(tables.outbox)
            .where(tables.outbox.c.state == "pending")
        )
        return pending.scalar_one() == 0


async def _open(db: Database, rita: Actor, title: str, **extra: object) -> int:
    """A ticket as the bot's intake opens it: answers go to Rita's Telegram chat."""
    async with db.uow() as uow:
        ticket = await tickets.open_ticket(
            uow,
            actor=rita,
            request=tickets.NewTicket(
                title=title, description=title, conversation_ref=str(RITA.id), **extra
            ),  # type: ignore[arg-type]
        )
        await uow.commit()
    return ticket.number


def _count(messages: list[dict[str, object]], text: str) -> int:
    return sum(text in str(message.get("plain_text", "")) for message in messages)


async def test_warning_breach_escalation_then_reminder_and_auto_close(
    db: Database, fake: FakeTelegramServer, clock: FakeClock
) -> None:
    await make_groups(db)  # service-desk escalates to infrastructure (second line)
    await make_person(db, "Alice", role=Role.AGENT, external_id=str(ALICE.id), username="alice")
    rita = await make_person(db, "Rita", external_id=str(RITA.id))
    async with db.uow() as uow:
        await ensure_defaults(uow, timezone="Europe/Berlin")  # Monday 10:00 in Berlin
        await uow.commit()
    desk = await TelegramDesk(db, fake).start()
    try:
        fake.register_chat(RITA)
        room = desk.room
        sweeper = ClockSweeper(db.uow, after_commit=desk.worker.kick)

        async def sweep_until_quiet() -> None:
            for _ in range(3):
                assert sum((await sweeper.sweep()).values()) == 0, "nothing fires twice"

        # A P1 (network, high impact and urgency): 30 minutes to a first response.
        number = await _open(
            db, rita, "VPN is down", category="network", impact=Level.HIGH, urgency=Level.HIGH
        )
        await desk.next_message(room, after=0, contains=f"#{number}")
        assert (await sweeper.sweep())["tickets"] == 0

        clock.advance(minutes=23)  # 75 % of the target
        assert (await sweeper.sweep())["response_warning"] == 1
        warning = await desk.next_message(room, after=0, contains=WARNED)
        assert warning["plain_text"] == (
            f"⏰ Ticket #{number} (P1) needs a first response within 7 m (by 10:30)."
        )
        await sweep_until_quiet()

        clock.advance(minutes=8)  # 10:31: the target is missed
        assert (await sweeper.sweep())["response_breach"] == 1
        breach = await desk.next_message(room, after=0, contains=BREACHED)
        assert breach["plain_text"] == (
            f"🚨 Ticket #{number} (P1) missed its first-response target (due 10:30).\n"
            "Escalated to infrastructure."
        )
        await sweep_until_quiet()
        await eventually(lambda: _outbox_idle(db), seconds=30)
        assert _count(desk.chat(room), WARNED) == 1
        assert _count(desk.chat(room), BREACHED) == 1
        async with db.uow() as uow:
            escalated = await uow.tickets.get(number)
            assert escalated is not None and escalated.line == SupportLine.SECOND
            assert escalated.sla.response_state == SlaState.BREACHED

        # Another ticket: Alice claims and resolves it in the agents' room; Rita never rates.
        second = await _open(db, rita, "The printer jams")
        await desk.say(ALICE, f"/claim {second}", chat=room, contains=f"#{second}")
        before = len(desk.chat(RITA))
        await fake.user_sends_text(ALICE, f"/resolve {second} Cleared the paper path", chat=room)
        resolved = await desk.next_message(RITA, after=before, contains="resolved")
        assert "★★★★★" in buttons(resolved)

        clock.advance(hours=24 + 30)  # 24 working hours later: Wednesday 16:31
        assert (await sweeper.sweep())["reminder"] == 1
        reminder = await desk.next_message(RITA, after=before, contains=REMINDED)
        assert f"#{second}" in reminder["plain_text"] and "★★★★★" in buttons(reminder)
        await sweep_until_quiet()

        clock.advance(days=1)  # three working days after resolving, nobody rated or reopened
        assert (await sweeper.sweep())["auto_action"] == 1
        await desk.next_message(RITA, after=before, contains=CLOSED)
        await sweep_until_quiet()
        await eventually(lambda: _outbox_idle(db), seconds=30)
        assert _count(desk.chat(RITA), REMINDED) == 1
        assert _count(desk.chat(RITA), CLOSED) == 1
        async with db.uow() as uow:
            closed = await uow.tickets.get(second)
            assert closed is not None and closed.status == TicketStatus.CLOSED
            assert closed.id is not None
            trail = [(a.action, a.actor_id) for a in await uow.history.audit(closed.id)]
        assert ("rating_reminder_sent", None) in trail and ("auto_closed", None) in trail
    finally:
        await desk.stop()
