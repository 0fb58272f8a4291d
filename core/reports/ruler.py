"""Working time between many pairs of instants, fast: a running total of working seconds per
local day, so each pair costs two look-ups instead of a walk over the days between them.

The figures equal :func:`core.domain.working_time.working_time_between` (the SLA's own
arithmetic); outside the prepared span the ruler asks that function directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.domain.calendars import BusinessCalendar
from core.domain.working_time import Interval, open_intervals, working_time_between


class WorkingTimeRuler:
    def __init__(self, calendar: BusinessCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self._always = calendar.is_always_open
        self._first, self._last = first, last
        self._days: dict[date, tuple[float, list[Interval]]] = {}
        total = 0.0
        day = first
        while not self._always and day <= last:
            intervals = open_intervals(calendar, day)
            self._days[day] = (total, intervals)
            total += sum((end - begin).total_seconds() for begin, end in intervals)
            day += timedelta(days=1)

    def seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds from ``start`` to ``end`` (negative when ``end`` comes first)."""
        if self._always:
            return (end - start).total_seconds()
        before, after = self._position(start), self._position(end)
        if before is None or after is None:
            return working_time_between(self.calendar, start, end).total_seconds()
        return after - before

    def _position(self, moment: datetime) -> float | None:
        moment = moment.astimezone(UTC)
        day = moment.astimezone(self.calendar.zone).date()
        entry = self._days.get(day)
        if entry is None:
            return None
        total, intervals = entry
        for begin, end in intervals:
            if moment >= end:
                total += (end - begin).total_seconds()
            elif moment > begin:
                total += (moment - begin).total_seconds()
        return total


class Rulers:
    """One ruler per calendar, all over the same span of local dates."""

    def __init__(self, first: date, last: date) -> None:
        self._span = (first - timedelta(days=1), last + timedelta(days=1))
        self._made: dict[BusinessCalendar, WorkingTimeRuler] = {}

    def seconds(self, calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
        ruler = self._made.get(calendar)
        if ruler is None:
            ruler = self._made[calendar] = WorkingTimeRuler(calendar, *self._span)
        return ruler.seconds(start, end)
