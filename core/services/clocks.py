"""Keeping each ticket's SLA clock current: the desk's calendars, policies and follow-up
settings, loaded once per unit of work, and :func:`refresh_clock` which every change calls.

Stored settings win; until an admin has set anything, :func:`ensure_defaults` stores the shipped
defaults (a Mon–Fri 09:00–18:00 calendar in the desk's time zone, P1–P4 targets) once.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.calendars import BusinessCalendar, office_hours, pick_calendar
from core.domain.durations import WorkDuration, parse_duration
from core.domain.entities import Ticket
from core.domain.follow_ups import Automation
from core.domain.sla import DEFAULT_POLICIES, SlaPolicy, pick_policy
from core.domain.sla_clock import reconcile
from core.ports import UnitOfWork, UnitOfWorkFactory

DEFAULT_CALENDAR = "default"
SEEDED = "sla_defaults_seeded"
AUTOMATION_OPTIONS = ("rating_reminder", "auto_close", "waiting_reminder", "waiting_resolve")
OFF = "off"


@dataclass
class Clockwork:
    """What clocks are computed from, read once and reused for many tickets."""

    calendars: list[BusinessCalendar]
    policies: list[SlaPolicy]
    automation: Automation
    fallback: BusinessCalendar = field(default_factory=lambda: office_hours(DEFAULT_CALENDAR))
    _group_calendars: dict[int, int | None] = field(default_factory=dict)
    _category_slugs: dict[int, str] = field(default_factory=dict)

    async def calendar_for(self, uow: UnitOfWork, group_id: int | None) -> BusinessCalendar:
        """The group's own calendar, else the default one."""
        calendar_id = None
        if group_id is not None:
            if group_id not in self._group_calendars:
                group = await uow.catalog.group_by_id(group_id)
                self._group_calendars[group_id] = group.calendar_id if group else None
            calendar_id = self._group_calendars[group_id]
        return pick_calendar(self.calendars, group_calendar_id=calendar_id) or self.fallback

    async def policy_for(self, uow: UnitOfWork, ticket: Ticket) -> SlaPolicy | None:
        slug = None
        if ticket.category_id is not None:
            if ticket.category_id not in self._category_slugs:
                category = await uow.catalog.category_by_id(ticket.category_id)
                self._category_slugs[ticket.category_id] = category.slug if category else ""
            slug = self._category_slugs[ticket.category_id] or None
        return pick_policy(
            self.policies, priority=ticket.priority, ticket_type=ticket.type, category=slug
        )


_loaded: weakref.WeakKeyDictionary[UnitOfWork, Clockwork] = weakref.WeakKeyDictionary()


async def load_clockwork(uow: UnitOfWork) -> Clockwork:
    """The clockwork as stored, read once per unit of work (a sweep refreshes many tickets)."""
    work = _loaded.get(uow)
    if work is None:
        options = await uow.sla.options()
        work = Clockwork(
            calendars=await uow.sla.calendars(),
            policies=await uow.sla.policies(),
            automation=automation_from(options),
        )
        _loaded[uow] = work
    return work


async def desk_zone(uow: UnitOfWork, group_id: int | None) -> ZoneInfo:
    """The time zone deadlines are shown in: that of the group's calendar (else the default)."""
    work = await load_clockwork(uow)
    return (await work.calendar_for(uow, group_id)).zone


def forget_clockwork(uow: UnitOfWork) -> None:
    """After changing calendars or policies inside ``uow``: read them again next time."""
    _loaded.pop(uow, None)


async def refresh_clock(uow: UnitOfWork, ticket: Ticket) -> None:
    """Bring the ticket's clock up to date with the ticket as it is now (status, first response,
    priority, type, category, group) and with the current policies and calendars."""
    work = await load_clockwork(uow)
    ticket.sla = reconcile(
        ticket.sla,
        ticket,
        policy=await work.policy_for(uow, ticket),
        calendar=await work.calendar_for(uow, ticket.group_id),
        automation=work.automation,
        now=uow.clock.now(),
    )


async def recompute_all(uow_factory: UnitOfWorkFactory, *, batch: int = 500) -> int:
    """Refresh the clock of every active ticket (after a policy or calendar change), a batch
    per transaction; returns how many."""
    done, after = 0, 0
    while True:
        async with uow_factory() as uow:
            ids = await uow.sla.active_ticket_ids(after_id=after, limit=batch)
            if not ids:
                return done
            for ticket_id in ids:
                ticket = await uow.tickets.get_by_id(ticket_id)
                if ticket is not None:
                    await refresh_clock(uow, ticket)
            await uow.commit()
        done, after = done + len(ids), ids[-1]


def automation_from(options: dict[str, Any]) -> Automation:
    """Follow-up durations from stored options (``"off"`` turns one off); defaults otherwise."""
    defaults = Automation()
    values: dict[str, WorkDuration | None] = {}
    for name in AUTOMATION_OPTIONS:
        stored = options.get(name)
        if stored is None:
            values[name] = getattr(defaults, name)
        else:
            values[name] = None if stored == OFF else parse_duration(str(stored))
    return Automation(**values)


async def ensure_defaults(uow: UnitOfWork, *, timezone: str) -> bool:
    """Store the shipped calendar and policies once (not again after an admin removed them).
    True when it stored them now."""
    # Instances starting together: the first claims the seeding, the others wait for its
    # commit and then find the claim taken.
    if not await uow.jobs.claim(SEEDED, "once", now=uow.clock.now()):
        return False
    options = await uow.sla.options()
    if options.get(SEEDED):
        return False
    if not await uow.sla.calendars():
        default = office_hours(DEFAULT_CALENDAR, timezone)
        await uow.sla.save_calendar(
            BusinessCalendar(default.name, timezone, default.periods, is_default=True)
        )
    if not await uow.sla.policies():
        for policy in DEFAULT_POLICIES:
            await uow.sla.save_policy(policy)
    await uow.sla.set_option(SEEDED, True)
    return True
