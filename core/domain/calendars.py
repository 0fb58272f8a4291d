"""Business calendars: when a desk works, in which time zone, and which days it does not.

A calendar is weekly working periods in local wall-clock time (each period lies within one day;
a night shift is two periods split at midnight) plus holidays, one-off or every year. "24×7" is
simply every day 00:00–24:00. The desk has one default calendar; a group may have its own.
The arithmetic over calendars lives in :mod:`core.domain.working_time`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ConfigurationError

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_TITLES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def clock_text(minute: int) -> str:
    """Minutes after midnight as ``HH:MM`` (1440 reads ``24:00``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True, order=True)
class WorkingPeriod:
    """Working time on one weekday: ``[start, end)`` in minutes after local midnight.

    ``weekday`` is 0 for Monday … 6 for Sunday; ``end`` may be 1440 (24:00).
    """

    weekday: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {clock_text(self.start)}-{clock_text(self.end)}"


@dataclass(frozen=True, slots=True, order=True)
class Holiday:
    """A day off: a fixed date (``year`` set) or the same month and day every year."""

    month: int
    day: int
    year: int | None = None
    name: str = field(default="", compare=False)

    def falls_on(self, day: date) -> bool:
        return (
            day.month == self.month
            and day.day == self.day
            and (self.year is None or day.year == self.year)
        )

    @property
    def is_yearly(self) -> bool:
        return self.year is None

    def __str__(self) -> str:
        text = f"{self.month:02d}-{self.day:02d}"
        return text if self.year is None else f"{self.year:04d}-{text}"


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Weekly working periods in ``timezone`` (an IANA name) minus ``holidays``.

    Constructing one validates it: a bad time zone, an inverted or overlapping period, or an
    impossible holiday raises :class:`ConfigurationError` with one line saying what is wrong.
    """

    name: str
    timezone: str
    periods: tuple[WorkingPeriod, ...]
    holidays: tuple[Holiday, ...] = ()
    is_default: bool = field(default=False, compare=False)
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _check_zone(self.timezone)
        object.__setattr__(self, "periods", tuple(sorted(set(self.periods))))
        object.__setattr__(self, "holidays", tuple(sorted(set(self.holidays))))
        _check_periods(self.periods)
        for holiday in self.holidays:
            check_holiday(holiday)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key

    @property
    def is_always_open(self) -> bool:
        """Every minute of every day counts (24×7 with no holidays)."""
        return not self.holidays and all(
            self.periods_on_weekday(day) == [(0, MINUTES_PER_DAY)] for day in range(7)
        )

    def periods_on_weekday(self, weekday: int) -> list[tuple[int, int]]:
        return [(p.start, p.end) for p in self.periods if p.weekday == weekday]

    def periods_on(self, day: date) -> list[tuple[int, int]]:
        """The working periods of a local date: none on a holiday."""
        if any(holiday.falls_on(day) for holiday in self.holidays):
            return []
        return self.periods_on_weekday(day.weekday())

    @property
    def working_day(self) -> timedelta:
        """The length of an average working day: weekly working time over working weekdays.

        This is what a "day" in an SLA target means in this calendar (Mon–Fri 09:00–18:00 → 9 h,
        24×7 → 24 h), so "resolve within 1 day" means the same in both: by this time tomorrow.
        """
        minutes = sum(p.end - p.start for p in self.periods)
        days = len({p.weekday for p in self.periods})
        return timedelta(minutes=minutes / days)


def always_open(name: str = "24x7", timezone: str = "UTC") -> BusinessCalendar:
    return BusinessCalendar(
        name, timezone, tuple(WorkingPeriod(day, 0, MINUTES_PER_DAY) for day in range(7))
    )


def office_hours(
    name: str = "office",
    timezone: str = "UTC",
    *,
    weekdays: Iterable[int] = range(5),
    start: int = 9 * 60,
    end: int = 18 * 60,
    holidays: Sequence[Holiday] = (),
) -> BusinessCalendar:
    """The usual shape: the same hours on each of ``weekdays`` (default Mon–Fri 09:00–18:00)."""
    periods = tuple(WorkingPeriod(day, start, end) for day in weekdays)
    return BusinessCalendar(name, timezone, periods, tuple(holidays))


def pick_calendar(
    calendars: Sequence[BusinessCalendar], *, group_calendar_id: int | None
) -> BusinessCalendar | None:
    """The group's own calendar when it has one, else the desk's default, else None."""
    for calendar in calendars:
        if group_calendar_id is not None and calendar.id == group_calendar_id:
            return calendar
    return next((calendar for calendar in calendars if calendar.is_default), None)


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            "Unknown time zone '{zone}'; use an IANA name such as Europe/Berlin.", zone=name
        ) from None


def _check_periods(periods: Sequence[WorkingPeriod]) -> None:
    if not periods:
        raise ConfigurationError(
            "A calendar needs at least one working period, e.g. mon-fri 09:00-18:00."
        )
    for period in periods:
        if not 0 <= period.weekday <= 6:
            raise ConfigurationError("There is no weekday number {day}.", day=period.weekday)
        if not (0 <= period.start < MINUTES_PER_DAY and 0 < period.end <= MINUTES_PER_DAY):
            raise ConfigurationError(
                "Working hours must lie between 00:00 and 24:00, not {period}.", period=str(period)
            )
        if period.start >= period.end:
            raise ConfigurationError(
                "Working hours {hours} on {day} end before they start; split a night shift at "
                "midnight (e.g. 22:00-24:00 and 00:00-06:00 the next day).",
                hours=f"{clock_text(period.start)}-{clock_text(period.end)}",
                day=WEEKDAY_TITLES[period.weekday],
            )
    for before, after in zip(periods, periods[1:], strict=False):
        if before.weekday == after.weekday and after.start < before.end:
            raise ConfigurationError(
                "Working hours overlap on {day}: {first} and {second}.",
                day=WEEKDAY_TITLES[before.weekday],
                first=f"{clock_text(before.start)}-{clock_text(before.end)}",
                second=f"{clock_text(after.start)}-{clock_text(after.end)}",
            )


def check_holiday(holiday: Holiday) -> None:
    """Refuse a date that does not exist (a yearly 02-29 is allowed: it counts in leap years)."""
    try:
        date(holiday.year if holiday.year is not None else 2000, holiday.month, holiday.day)
    except ValueError:
        raise ConfigurationError("There is no date {date}.", date=str(holiday)) from None
    if holiday.year is not None and not 1970 <= holiday.year <= 2200:
        raise ConfigurationError(
            "The holiday {date} is not in a plausible year.", date=str(holiday)
        )
