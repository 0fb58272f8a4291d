"""The daily digest: when it is due and what it counts.

It goes out once per working day of the desk's default calendar, at the start of that day's
working hours (or later that day, when no process was running at the start). It looks back from
the start of the previous working day to the start of today, so Monday's digest reports Friday
and the weekend: a group on a calendar of its own (a 24×7 team, another time zone) may work on
the default calendar's days off, and that work belongs in a digest too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.domain.calendars import BusinessCalendar

LOOK_BACK_DAYS = 31  # a calendar with no working day in a month has no "previous working day"


@dataclass(frozen=True, slots=True)
class DigestFigures:
    open: int  # active tickets now
    unassigned: int  # active with nobody on them
    due_today: int  # active, their earliest running deadline later today
    breached: int  # active, a target already breached
    resolved: int  # resolved on the previous working day
    closed: int  # closed on the previous working day
    ratings: int  # ratings given on the previous working day
    csat: float | None  # their mean score (1–5), None without ratings


@dataclass(frozen=True, slots=True)
class DigestDay:
    """The working day a digest is for, and the instants it counts between (UTC-aware)."""

    day: date
    day_end: datetime  # local midnight after ``day``
    previous: date | None  # the previous working day
    previous_start: datetime  # its local midnight
    previous_end: datetime  # today's local midnight: days off in between count too

    @property
    def looked_back(self) -> str:
        """The days counted: "2026-02-27", or "2026-02-27 – 2026-03-01" over days off."""
        if self.previous is None:
            return ""
        last = self.day - timedelta(days=1)
        if last == self.previous:
            return self.previous.isoformat()
        return f"{self.previous.isoformat()} – {last.isoformat()}"


def digest_due(calendar: BusinessCalendar, now: datetime) -> DigestDay | None:
    """The day to post for, when ``now`` falls within a working day's hours; else None."""
    zone = calendar.zone
    local = now.astimezone(zone)
    periods = calendar.periods_on(local.date())
    minute = local.hour * 60 + local.minute
    if not periods or not min(s for s, _ in periods) <= minute < max(e for _, e in periods):
        return None
    previous = previous_working_day(calendar, local.date())
    start = _midnight(previous or local.date(), calendar)
    return DigestDay(
        day=local.date(),
        day_end=_midnight(local.date() + timedelta(days=1), calendar),
        previous=previous,
        previous_start=start,
        previous_end=_midnight(local.date(), calendar) if previous else start,
    )


def previous_working_day(calendar: BusinessCalendar, day: date) -> date | None:
    for back in range(1, LOOK_BACK_DAYS + 1):
        candidate = day - timedelta(days=back)
        if calendar.periods_on(candidate):
            return candidate
    return None


def _midnight(day: date, calendar: BusinessCalendar) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar.zone)
