"""Working-time arithmetic over a :class:`BusinessCalendar`: pure functions, no clock, no I/O.

- :func:`add_working_time` — the deadline: the earliest instant by which ``work`` of working
  time has passed since ``start``;
- :func:`working_time_between` — how much working time lies between two instants.

Instants are timezone-aware datetimes in any zone; results are in UTC. Durations are
``timedelta`` (``td / timedelta(minutes=1)`` gives minutes). Working periods are local wall-clock
times turned into instants one local date at a time, so a day on which the clocks change has its
real length (a 24×7 day is 23 h in spring and 25 h in autumn) and hours like 09:00–18:00 stay
09:00–18:00 local on both sides of a change. A wall-clock time that does not exist (skipped when
clocks go forward) is read with the offset in force before the change, as PEP 495 and java.time
do (02:30 becomes 03:30); a time that occurs twice (clocks go back) is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from core.domain.calendars import BusinessCalendar
from core.errors import ConfigurationError

Interval = tuple[datetime, datetime]
MAX_IDLE_DAYS = 400  # more consecutive days off than this: the calendar never opens again
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


def open_intervals(calendar: BusinessCalendar, day: date) -> list[Interval]:
    """The working intervals of one local date, as UTC instants, in order (none on a holiday)."""
    midnight = datetime.combine(day, time(), tzinfo=calendar.zone)
    return [
        (_instant(midnight, start), _instant(midnight, end))
        for start, end in calendar.periods_on(day)
    ]


def add_working_time(calendar: BusinessCalendar, start: datetime, work: timedelta) -> datetime:
    """The earliest instant by which ``work`` of working time has passed since ``start``.

    ``work`` of zero gives ``start`` itself. A deadline that uses up a working period exactly
    ends with it (Friday 18:00), not at the next opening (Monday 09:00).
    """
    if work < _ZERO:
        raise ValueError("working time to add must not be negative")
    start = start.astimezone(UTC)
    if work == _ZERO:
        return start
    if calendar.is_always_open:
        return start + work
    remaining = work
    for begin, end in _intervals_from(calendar, start):
        available = end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_from never ends or raises")


def working_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time from ``start`` to ``end``; negative when ``end`` comes first."""
    # Aware datetimes sharing a tzinfo compare and subtract as wall-clock times: go to UTC first.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end < start:
        return -working_time_between(calendar, end, start)
    if calendar.is_always_open:
        return end - start
    total = _ZERO
    zone = calendar.zone
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        for begin, finish in open_intervals(calendar, day):
            overlap = min(finish, end) - max(begin, start)
            if overlap > _ZERO:
                total += overlap
        day += _ONE_DAY
    return total


def is_working_time(calendar: BusinessCalendar, moment: datetime) -> bool:
    moment = moment.astimezone(UTC)
    day = moment.astimezone(calendar.zone).date()
    return any(begin <= moment < end for begin, end in open_intervals(calendar, day))


def next_opening(calendar: BusinessCalendar, moment: datetime) -> datetime:
    """``moment`` itself during working time, else the start of the next working period."""
    begin, _ = next(_intervals_from(calendar, moment.astimezone(UTC)))
    return begin


def first_opening(calendar: BusinessCalendar, day: date) -> datetime | None:
    """When work starts on a local date (None on a day off): the daily digest goes out then."""
    intervals = open_intervals(calendar, day)
    return intervals[0][0] if intervals else None


def _intervals_from(calendar: BusinessCalendar, start: datetime) -> Iterator[Interval]:
    """Working intervals from ``start`` on, the first one clipped to begin at ``start``."""
    day = start.astimezone(calendar.zone).date()
    idle = 0
    while True:
        idle += 1
        for begin, end in open_intervals(calendar, day):
            if end > start:
                idle = 0
                yield max(begin, start), end
        if idle > MAX_IDLE_DAYS:
            raise ConfigurationError(
                "Calendar '{name}' has no working time for more than a year after {day}.",
                name=calendar.name,
                day=day.isoformat(),
            )
        day += _ONE_DAY


def _instant(midnight: datetime, minute: int) -> datetime:
    # Aware + timedelta is wall-clock arithmetic: 24:00 is the next day's midnight in local time.
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)
