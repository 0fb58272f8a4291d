"""The clock sweep: SLA warnings and breaches, escalations, follow-up reminders, automatic
resolution and closing — each exactly once, however many instances sweep.

An APScheduler interval job calls :meth:`ClockSweeper.sweep`. It takes the tickets whose
``sla.next_at`` has come, locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer),
brings each clock up to date, marks what is due as fired and does it — audit, notices, escalation —
in the same transaction. So a second instance never sees the same row due, a crash fires nothing
twice (the whole batch rolls back) and a restart loses nothing (the rows stay due).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.domain.sla import Escalation
from core.domain.sla_clock import ClockEvent, SlaClock, take_due
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.services import notify, sla_notices
from core.services.breach_escalation import escalate_breach
from core.services.clocks import load_clockwork, refresh_clock
from core.services.context import audit
from core.services.status_changes import move

log = logging.getLogger(__name__)
RETRY_BROKEN = timedelta(minutes=5)  # a ticket whose processing failed is tried again then


class ClockSweeper:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        *,
        batch: int = 200,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._batch = batch
        self._after_commit = after_commit

    async def sweep(self) -> Counter[str]:
        """Fire everything due now; how many of each event fired (and ``tickets`` looked at)."""
        total: Counter[str] = Counter()
        while True:
            fired, claimed = await self._sweep_once()
            total += fired
            total["tickets"] += claimed
            if claimed < self._batch:
                return total

    async def _sweep_once(self) -> tuple[Counter[str], int]:
        try:
            return await self._sweep_batch(isolate=False)
        except Exception:  # noqa: BLE001 - retried below, ticket by ticket, which logs it
            log.warning("clock sweep: a batch failed; sweeping it again ticket by ticket")
            return await self._sweep_batch(isolate=True)

    async def _sweep_batch(self, *, isolate: bool) -> tuple[Counter[str], int]:
        """Claim a batch and fire what is due, in one transaction. Without ``isolate`` the
        whole batch is written at the commit, in a few statements; with it each ticket runs in
        a savepoint of its own, so one that fails is put off and the others go through."""
        fired: Counter[str] = Counter()
        async with self._uow() as uow:
            now = uow.clock.now()
            tickets = await uow.sla.claim_due(now=now, limit=self._batch)
            contacts = await sla_notices.Contacts.load(uow, tickets) if tickets else None
            broken: list[Ticket] = []
            changed: list[Ticket] = []  # whose cards to refresh, all at once at the end
            for ticket in tickets:
                assert contacts is not None
                if not isolate:
                    events = await self._process(uow, contacts, ticket, now)
                    fired.update(event.value for event in events)
                    changed += [ticket] if events else []
                    continue
                try:
                    async with uow.savepoint():
                        events = await self._process(uow, contacts, ticket, now)
                        if events:
                            await notify.cards_changed(uow, [ticket])
                except Exception:  # noqa: BLE001 - one bad ticket must not stop the others
                    log.exception("clock sweep: ticket #%s failed", ticket.number)
                    broken.append(ticket)
                else:
                    fired.update(event.value for event in events)
            await notify.cards_changed(uow, changed)
            for ticket in broken:
                ticket.sla = _postponed(ticket, now + RETRY_BROKEN)
            await uow.commit()
        if fired and self._after_commit is not None:
            self._after_commit()
        return fired, len(tickets)

    async def _process(
        self, uow: UnitOfWork, contacts: sla_notices.Contacts, ticket: Ticket, now: datetime
    ) -> list[ClockEvent]:
        """Fire what is due on ``ticket``. Its card is the caller's: one batch for all."""
        await refresh_clock(uow, ticket)  # catches anything a change did not refresh
        ticket.sla, events = take_due(ticket.sla, now)
        for event in events:
            await self._fire(uow, contacts, ticket, event, now)
        return events

    async def _fire(
        self,
        uow: UnitOfWork,
        contacts: sla_notices.Contacts,
        ticket: Ticket,
        event: ClockEvent,
        now: datetime,
    ) -> None:
        clock = ticket.sla
        work = await load_clockwork(uow)
        zone = (await work.calendar_for(uow, ticket.group_id)).zone
        if event in (ClockEvent.RESPONSE_WARNING, ClockEvent.RESOLUTION_WARNING):
            due = _due(clock, event)
            audit(uow, None, ticket, "sla_warning", target=_target(event), due=due.isoformat())
            notice = sla_notices.sla_notice(ticket, event, due=due, zone=zone, now=now)
            if ticket.assignee_id is None or not sla_notices.tell_person(
                uow, contacts, ticket.assignee_id, ticket, notice
            ):
                sla_notices.tell_rooms(uow, contacts, ticket, notice)
        elif event in (ClockEvent.RESPONSE_BREACH, ClockEvent.RESOLUTION_BREACH):
            due = _due(clock, event)
            audit(uow, None, ticket, "sla_breached", target=_target(event), due=due.isoformat())
            policy = await work.policy_for(uow, ticket)
            escalated = await escalate_breach(
                uow, ticket, policy.escalation if policy else Escalation.NONE
            )
            notice = sla_notices.sla_notice(
                ticket, event, due=due, zone=zone, now=now, escalated=escalated
            )
            sla_notices.tell_rooms(uow, contacts, ticket, notice)
            sla_notices.tell_supervisors(uow, contacts, ticket, notice)
        elif event == ClockEvent.REMINDER:
            await self._remind(uow, ticket, zone)
        else:
            await self._act(uow, ticket)

    async def _remind(self, uow: UnitOfWork, ticket: Ticket, zone: ZoneInfo) -> None:
        if ticket.status == TicketStatus.WAITING:
            audit(uow, None, ticket, "waiting_reminder_sent")
            build = sla_notices.waiting_reminder(
                ticket, closes_at=ticket.sla.auto_action_at, zone=zone
            )
        else:
            audit(uow, None, ticket, "rating_reminder_sent")
            build = sla_notices.rating_reminder(ticket)
        await notify.tell_requester(uow, ticket, build)

    async def _act(self, uow: UnitOfWork, ticket: Ticket) -> None:
        if ticket.status == TicketStatus.WAITING:
            move(uow, None, ticket, TicketStatus.RESOLVED, action="resolved_no_answer")
            ticket.resolution = ticket.resolution or "No answer from the requester."
            await notify.tell_requester(uow, ticket, sla_notices.resolved_without_answer(ticket))
        elif ticket.status == TicketStatus.RESOLVED:
            move(uow, None, ticket, TicketStatus.CLOSED, action="auto_closed")
            await notify.tell_requester(uow, ticket, sla_notices.closed_automatically(ticket))
        await refresh_clock(uow, ticket)


def _due(clock: SlaClock, event: ClockEvent) -> datetime:
    due = (
        clock.response_due_at
        if event in (ClockEvent.RESPONSE_WARNING, ClockEvent.RESPONSE_BREACH)
        else clock.resolution_due_at
    )
    assert due is not None
    return due


def _target(event: ClockEvent) -> str:
    return "response" if event.value.startswith("response") else "resolution"


def _postponed(ticket: Ticket, until: datetime) -> SlaClock:
    return replace(ticket.sla, next_at=until)
