"""A ticket's clocks: its SLA deadlines and its automated follow-ups, one value the ticket stores.

- :func:`reconcile` brings the value up to date after anything about the ticket changed (status,
  first response, priority, type, category, group, policy or calendar). Due times are recomputed
  from the ticket's creation each time, so a priority change mid-way takes effect at once.
- :func:`take_due` gives a sweep the events whose time has come and marks them fired, so each
  fires once however often the sweep runs.

Both are pure: the caller passes ``now``. What the targets mean is :mod:`core.domain.sla`.

The resolution clock pauses while the ticket waits on the requester or sits resolved; the
working time spent paused is added to the target, so a reopened ticket continues its clock.
A state only moves forward within one deadline (ok → warning → breached); a verdict once the
clock has stopped (met or breached) is final. When a deadline moves (priority, policy), a notice
already sent is not sent again for the new deadline unless it moved back out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.domain.calendars import BusinessCalendar
from core.domain.enums import TicketStatus
from core.domain.follow_ups import Automation, follow_ups
from core.domain.sla import SlaPolicy, SlaState, Targets
from core.domain.working_time import add_working_time, working_time_between

S = TicketStatus
RUNNING = frozenset({S.NEW, S.OPEN, S.ASSIGNED, S.IN_PROGRESS})
STOPPED = frozenset({S.RESOLVED, S.CLOSED})
PENDING = frozenset({SlaState.OK, SlaState.WARNING})
Timing = tuple[datetime | None, datetime | None, SlaState | None]  # due, warn, state


class ClockEvent(StrEnum):
    RESPONSE_WARNING = "response_warning"
    RESPONSE_BREACH = "response_breach"
    RESOLUTION_WARNING = "resolution_warning"
    RESOLUTION_BREACH = "resolution_breach"
    REMINDER = "reminder"  # waiting: nudge the requester; resolved: ask for a rating
    AUTO_ACTION = "auto_action"  # waiting: resolve as "no answer"; resolved: close


_EVENTS = {
    ("response", SlaState.WARNING): ClockEvent.RESPONSE_WARNING,
    ("response", SlaState.BREACHED): ClockEvent.RESPONSE_BREACH,
    ("resolution", SlaState.WARNING): ClockEvent.RESOLUTION_WARNING,
    ("resolution", SlaState.BREACHED): ClockEvent.RESOLUTION_BREACH,
}


@dataclass(frozen=True, slots=True)
class SlaClock:
    """What a ticket stores. ``next_at`` is the earliest pending moment: all a sweep reads."""

    policy_id: int | None = None
    response_due_at: datetime | None = None
    response_warn_at: datetime | None = None
    response_state: SlaState | None = None  # None: no policy covers the ticket
    resolution_due_at: datetime | None = None  # None also while the clock is paused
    resolution_warn_at: datetime | None = None
    resolution_state: SlaState | None = None
    paused_seconds: float = 0.0  # working time spent in finished pauses
    paused_since: datetime | None = None
    seen_status: TicketStatus | None = None  # the status at the last reconcile
    reminder_at: datetime | None = None
    auto_action_at: datetime | None = None
    next_at: datetime | None = None


class TicketFacts(Protocol):
    """What the clocks read from a ticket (:class:`core.domain.entities.Ticket` has it all)."""

    @property
    def status(self) -> TicketStatus: ...
    @property
    def created_at(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def rating_score(self) -> int | None: ...


def reconcile(
    clock: SlaClock,
    ticket: TicketFacts,
    *,
    policy: SlaPolicy | None,
    calendar: BusinessCalendar,
    automation: Automation,
    now: datetime,
) -> SlaClock:
    """The ticket's clock as it should be now, given everything that changed since ``clock``."""
    created = ticket.created_at or now
    paused_seconds, paused_since = _pauses(clock, ticket, calendar, now)
    response: Timing = (None, None, None)
    resolution: Timing = (None, None, None)
    if policy is not None:
        targets = policy.targets(calendar)
        response = _response(clock, ticket, targets, calendar, created, now)
        pause = timedelta(seconds=paused_seconds)
        resolution = _resolution(
            clock, ticket, targets, calendar, created, pause, paused_since, now
        )
    reminder_at, auto_action_at = follow_ups(
        ticket,
        automation,
        calendar,
        now,
        previous=(clock.seen_status, clock.reminder_at, clock.auto_action_at),
    )
    updated = SlaClock(
        policy.id if policy else None,
        *response,
        *resolution,
        paused_seconds=paused_seconds,
        paused_since=paused_since,
        seen_status=ticket.status,
        reminder_at=reminder_at,
        auto_action_at=auto_action_at,
    )
    return replace(updated, next_at=next_moment(updated))


def take_due(clock: SlaClock, now: datetime) -> tuple[SlaClock, list[ClockEvent]]:
    """The events due at ``now`` and the clock with them marked fired.

    A breach that is due swallows its warning; an automatic action swallows its reminder.
    """
    events: list[ClockEvent] = []
    response, fired = _due(clock.response_state, clock.response_warn_at, clock.response_due_at, now)
    if fired is not None:
        events.append(_EVENTS["response", fired])
    resolution, fired = _due(
        clock.resolution_state, clock.resolution_warn_at, clock.resolution_due_at, now
    )
    if fired is not None:
        events.append(_EVENTS["resolution", fired])
    reminder_at, auto_action_at = clock.reminder_at, clock.auto_action_at
    if auto_action_at is not None and auto_action_at <= now:
        events.append(ClockEvent.AUTO_ACTION)
        reminder_at = auto_action_at = None
    elif reminder_at is not None and reminder_at <= now:
        events.append(ClockEvent.REMINDER)
        reminder_at = None
    updated = replace(
        clock,
        response_state=response,
        resolution_state=resolution,
        reminder_at=reminder_at,
        auto_action_at=auto_action_at,
    )
    return replace(updated, next_at=next_moment(updated)), events


def next_moment(clock: SlaClock) -> datetime | None:
    """The earliest moment at which something of this clock still has to fire."""
    moments = [clock.reminder_at, clock.auto_action_at]
    for state, warn, due in (
        (clock.response_state, clock.response_warn_at, clock.response_due_at),
        (clock.resolution_state, clock.resolution_warn_at, clock.resolution_due_at),
    ):
        if state == SlaState.OK:
            moments.append(warn)
        if state in PENDING:
            moments.append(due)
    return min((m for m in moments if m is not None), default=None)


def _due(
    state: SlaState | None, warn: datetime | None, due: datetime | None, now: datetime
) -> tuple[SlaState | None, SlaState | None]:
    """(new state, what fires: BREACHED, WARNING or None)."""
    if state in PENDING and due is not None and due <= now:
        return SlaState.BREACHED, SlaState.BREACHED
    if state == SlaState.OK and warn is not None and warn <= now:
        return SlaState.WARNING, SlaState.WARNING
    return state, None


def _pauses(
    clock: SlaClock, ticket: TicketFacts, calendar: BusinessCalendar, now: datetime
) -> tuple[float, datetime | None]:
    if ticket.status in RUNNING and clock.paused_since is not None:
        spent = working_time_between(calendar, clock.paused_since, now).total_seconds()
        return clock.paused_seconds + max(spent, 0.0), None
    if ticket.status in (S.WAITING, S.RESOLVED) and clock.paused_since is None:
        began = ticket.resolved_at if ticket.status == S.RESOLVED else None
        return clock.paused_seconds, min(began or now, now)
    return clock.paused_seconds, clock.paused_since


def _response(
    clock: SlaClock,
    ticket: TicketFacts,
    targets: Targets,
    calendar: BusinessCalendar,
    created: datetime,
    now: datetime,
) -> Timing:
    old = clock.response_state
    stopped_at = ticket.first_response_at or (
        (ticket.closed_at or now) if ticket.status == S.CLOSED else None
    )
    if (
        stopped_at is not None
        and old in (SlaState.MET, SlaState.BREACHED)
        and clock.response_due_at
    ):
        return clock.response_due_at, clock.response_warn_at, old  # the verdict is final
    due = add_working_time(calendar, created, targets.response)
    warn = add_working_time(calendar, created, targets.response * targets.warn_share)
    if stopped_at is not None:
        return due, warn, _verdict(old, stopped_at, due)
    return due, warn, _running(old, now, warn, due)


def _resolution(
    clock: SlaClock,
    ticket: TicketFacts,
    targets: Targets,
    calendar: BusinessCalendar,
    created: datetime,
    pause: timedelta,
    paused_since: datetime | None,
    now: datetime,
) -> Timing:
    old = clock.resolution_state
    status = ticket.status
    if status in STOPPED and clock.seen_status in STOPPED and old is not None:
        return clock.resolution_due_at, clock.resolution_warn_at, old  # the verdict is final
    if status == S.WAITING:
        return None, None, _running(old, now, None, None)
    due = add_working_time(calendar, created, targets.resolution + pause)
    if status in STOPPED:
        return due, None, _verdict(old, paused_since or ticket.closed_at or now, due)
    warn = add_working_time(calendar, created, targets.resolution * targets.warn_share + pause)
    return due, warn, _running(old, now, warn, due)


def _verdict(old: SlaState | None, stopped_at: datetime, due: datetime) -> SlaState:
    return SlaState.BREACHED if old == SlaState.BREACHED or stopped_at > due else SlaState.MET


def _running(
    old: SlaState | None, now: datetime, warn: datetime | None, due: datetime | None
) -> SlaState:
    """The state of a running (or, with no ``due``, paused) clock after its deadline moved.

    Stays OK until a notice has gone out for this deadline: the sweep fires what is due.
    """
    state = SlaState.OK if old in (None, SlaState.MET) else old
    if due is None or now >= due:
        return state
    assert warn is not None
    if now >= warn:
        return SlaState.OK if state == SlaState.OK else SlaState.WARNING
    return SlaState.OK
