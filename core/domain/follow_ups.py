"""Automated follow-ups: a nudge and then an automatic action for tickets nobody moves.

While a ticket waits on the requester: a reminder to them, then "resolved, no answer". While a
ticket sits resolved and unrated: a reminder to rate, then closing it. Times are working time of
the ticket's calendar, counted from when the ticket started waiting or was resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.domain.calendars import BusinessCalendar
from core.domain.durations import WorkDuration
from core.domain.enums import TicketStatus
from core.domain.working_time import add_working_time

S = TicketStatus


@dataclass(frozen=True, slots=True)
class Automation:
    """Follow-ups, in working time of the ticket's calendar, counted from when the ticket
    started waiting or was resolved; None turns one off."""

    rating_reminder: WorkDuration | None = WorkDuration(minutes=24 * 60)
    auto_close: WorkDuration | None = WorkDuration(days=3)
    waiting_reminder: WorkDuration | None = WorkDuration(days=2)
    waiting_resolve: WorkDuration | None = WorkDuration(days=5)


class FollowUpFacts(Protocol):
    @property
    def status(self) -> TicketStatus: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def rating_score(self) -> int | None: ...


def follow_ups(
    ticket: FollowUpFacts,
    automation: Automation,
    calendar: BusinessCalendar,
    now: datetime,
    *,
    previous: tuple[TicketStatus | None, datetime | None, datetime | None],
) -> tuple[datetime | None, datetime | None]:
    """(reminder at, automatic action at): set when the ticket starts waiting or is resolved,
    kept while it stays so, cleared when it moves on. ``previous`` is the status these were set
    for and their values then."""
    seen_status, reminder_at, auto_action_at = previous
    if ticket.status == seen_status:
        return reminder_at, auto_action_at
    if ticket.status == S.WAITING:
        start, durations = now, (automation.waiting_reminder, automation.waiting_resolve)
    elif ticket.status == S.RESOLVED:
        start = min(ticket.resolved_at or now, now)
        reminder = automation.rating_reminder if ticket.rating_score is None else None
        durations = (reminder, automation.auto_close)
    else:
        return None, None
    reminder_at, auto_action_at = (
        add_working_time(calendar, start, d.in_calendar(calendar)) if d else None for d in durations
    )
    return reminder_at, auto_action_at
