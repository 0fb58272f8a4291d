"""How long one ticket took, in working time (its SLA calendar) and in calendar time.

- **First response**: from creation to the first public message an agent sent the requester
  (a reply, or the resolution itself) — what the SLA's response clock measures.
- **Resolution**: from creation to the latest resolution. In working time the pauses are left
  out exactly as the SLA's resolution clock leaves them out (waiting on the requester, and the
  time a reopened ticket sat resolved); in calendar time everything counts.

Storage keeps these four figures per ticket in a summary table, measured whenever a ticket's
inputs change (``storage.ticket_timings``), so a report aggregates them in SQL instead of
measuring every ticket again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.domain.calendars import BusinessCalendar
from core.domain.working_time import working_time_between

WorkingSeconds = Callable[[BusinessCalendar, datetime, datetime], float]


def exact_seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    return working_time_between(calendar, start, end).total_seconds()


@dataclass(frozen=True, slots=True)
class Timing:
    response_work: float | None
    response_calendar: float | None
    resolution_work: float | None
    resolution_calendar: float | None

    @property
    def is_empty(self) -> bool:
        return self.response_calendar is None and self.resolution_calendar is None


@dataclass(frozen=True, slots=True)
class TimingInputs:
    """What a ticket's timing depends on (besides its calendar)."""

    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None  # the latest resolution (a reopened ticket has none)
    paused_seconds: float  # working time in finished pauses (waiting, resolved)
    paused_since: datetime | None  # the pause going on now (a resolved ticket: its stop)


def measure(
    inputs: TimingInputs, calendar: BusinessCalendar, seconds: WorkingSeconds = exact_seconds
) -> Timing:
    """The ticket's four figures; ``seconds`` measures working time (a faster ruler in bulk)."""
    created = inputs.created_at
    response_work = response_calendar = resolution_work = resolution_calendar = None
    if inputs.first_response_at is not None:
        response_work = seconds(calendar, created, inputs.first_response_at)
        response_calendar = (inputs.first_response_at - created).total_seconds()
    if inputs.resolved_at is not None:
        stop = inputs.paused_since or inputs.resolved_at
        worked = seconds(calendar, created, stop) - inputs.paused_seconds
        resolution_work = max(worked, 0.0)
        resolution_calendar = (inputs.resolved_at - created).total_seconds()
    return Timing(response_work, response_calendar, resolution_work, resolution_calendar)
