"""Administration of SLA policies, business calendars and follow-up timings.

Each function validates everything before it writes, so a mistake changes nothing, and raises
:class:`ConfigurationError` (or :class:`InvalidInput`) with one line saying what is wrong. Callers
recompute the open tickets' clocks afterwards (:func:`core.services.clocks.recompute_all`).
"""

from __future__ import annotations

from dataclasses import replace

from core.domain.calendar_text import parse_holiday, parse_hours
from core.domain.calendars import BusinessCalendar
from core.domain.durations import WorkDuration, parse_duration
from core.domain.enums import Priority, TicketType
from core.domain.sla import DEFAULT_WARN_SHARE, Escalation, SlaPolicy, parse_share
from core.errors import ConfigurationError
from core.ports import UnitOfWork
from core.services.clocks import AUTOMATION_OPTIONS, OFF, forget_clockwork

_ONE = WorkDuration(minutes=1)


async def set_policy(
    uow: UnitOfWork,
    *,
    priority: Priority,
    response: str | None = None,
    resolve: str | None = None,
    ticket_type: TicketType | None = None,
    category: str | None = None,
    warn: str | None = None,
    escalation: Escalation | None = None,
) -> SlaPolicy:
    """Create or change the policy for a priority (optionally narrowed by type or category).
    A new policy needs both targets; a change may give only what changes."""
    if category is not None and await uow.catalog.category(category) is None:
        raise ConfigurationError("Unknown category '{category}'.", category=category)
    existing = next(
        (
            p
            for p in await uow.sla.policies()
            if (p.priority, p.ticket_type, p.category) == (priority, ticket_type, category)
        ),
        None,
    )
    response_target = parse_duration(response) if response else None
    resolution_target = parse_duration(resolve) if resolve else None
    if existing is not None:
        response_target = response_target or existing.response
        resolution_target = resolution_target or existing.resolution
    if response_target is None or resolution_target is None:
        raise ConfigurationError(
            "A new policy needs both targets: --response and --resolve (e.g. 30m and 4h)."
        )
    policy = SlaPolicy(
        priority,
        response_target,
        resolution_target,
        ticket_type=ticket_type,
        category=category,
        warn_share=parse_share(warn)
        if warn
        else (existing.warn_share if existing else DEFAULT_WARN_SHARE),
        escalation=escalation or (existing.escalation if existing else Escalation.SECOND_LINE),
    )
    await uow.sla.save_policy(policy)
    forget_clockwork(uow)
    return policy


async def remove_policy(
    uow: UnitOfWork,
    *,
    priority: Priority,
    ticket_type: TicketType | None = None,
    category: str | None = None,
) -> None:
    for policy in await uow.sla.policies():
        if (policy.priority, policy.ticket_type, policy.category) == (
            priority,
            ticket_type,
            category,
        ):
            assert policy.id is not None
            await uow.sla.delete_policy(policy.id)
            forget_clockwork(uow)
            return
    scope = SlaPolicy(priority, _ONE, _ONE, ticket_type=ticket_type, category=category).scope
    raise ConfigurationError("There is no policy for {scope}.", scope=scope)


async def set_calendar(
    uow: UnitOfWork,
    *,
    name: str,
    hours: str | None = None,
    timezone: str | None = None,
    default: bool = False,
) -> BusinessCalendar:
    """Create a calendar (hours and time zone required) or change one."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ConfigurationError("A calendar name is 1 to 100 characters.")
    existing = await _find_calendar(uow, name)
    periods = parse_hours(hours) if hours else (existing.periods if existing else None)
    zone = timezone or (existing.timezone if existing else None)
    if periods is None or zone is None:
        raise ConfigurationError("A new calendar needs --hours and --timezone.")
    calendar = BusinessCalendar(
        name,
        zone,
        periods,
        existing.holidays if existing else (),
        is_default=default or bool(existing and existing.is_default),
    )
    saved = await uow.sla.save_calendar(calendar)
    forget_clockwork(uow)
    return saved


async def add_holiday(
    uow: UnitOfWork, *, calendar: str, date: str, name: str = ""
) -> BusinessCalendar:
    found = await _calendar(uow, calendar)
    holiday = parse_holiday(date, name)
    saved = await uow.sla.save_calendar(replace(found, holidays=(*found.holidays, holiday)))
    forget_clockwork(uow)
    return saved


async def remove_holiday(uow: UnitOfWork, *, calendar: str, date: str) -> BusinessCalendar:
    found = await _calendar(uow, calendar)
    holiday = parse_holiday(date)
    kept = tuple(h for h in found.holidays if h != holiday)
    if len(kept) == len(found.holidays):
        raise ConfigurationError(
            "Calendar '{name}' has no holiday {date}.", name=calendar, date=str(holiday)
        )
    saved = await uow.sla.save_calendar(replace(found, holidays=kept))
    forget_clockwork(uow)
    return saved


async def remove_calendar(uow: UnitOfWork, *, name: str) -> None:
    found = await _calendar(uow, name)
    if found.is_default:
        raise ConfigurationError(
            "Calendar '{name}' is the default; make another one the default first.", name=name
        )
    await uow.sla.delete_calendar(name)
    forget_clockwork(uow)


async def use_calendar(uow: UnitOfWork, *, group: str, calendar: str | None) -> None:
    """Give a group its own calendar, or (None) let it use the default again."""
    found_group = await uow.catalog.group(group)
    if found_group is None:
        raise ConfigurationError("Unknown group '{group}'.", group=group)
    found_group.calendar_id = (await _calendar(uow, calendar)).id if calendar else None
    forget_clockwork(uow)


async def set_follow_up(uow: UnitOfWork, *, name: str, value: str) -> None:
    """One follow-up timing (``rating_reminder``, ``auto_close``, ``waiting_reminder``,
    ``waiting_resolve``): a duration in working time, or ``off``."""
    if name not in AUTOMATION_OPTIONS:
        raise ConfigurationError(
            "Unknown follow-up '{name}'; use one of {names}.",
            name=name,
            names=", ".join(AUTOMATION_OPTIONS),
        )
    text = value.strip().lower()
    await uow.sla.set_option(name, OFF if text == OFF else str(parse_duration(text)))
    forget_clockwork(uow)


async def _find_calendar(uow: UnitOfWork, name: str) -> BusinessCalendar | None:
    return next((c for c in await uow.sla.calendars() if c.name == name), None)


async def _calendar(uow: UnitOfWork, name: str) -> BusinessCalendar:
    found = await _find_calendar(uow, name)
    if found is None:
        raise ConfigurationError("Unknown calendar '{name}'.", name=name)
    return found
