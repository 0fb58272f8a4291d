"""Working-time arithmetic: nights, weekends, holidays, both DST switches, 24×7."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.calendar_text import parse_holiday, parse_hours
from core.domain.calendars import BusinessCalendar, always_open, office_hours
from core.domain.durations import WorkDuration
from core.domain.sla import DEFAULT_POLICIES
from core.domain.working_time import (
    add_working_time,
    first_opening,
    is_working_time,
    next_opening,
    working_time_between,
)
from core.errors import ConfigurationError

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = office_hours("berlin office", "Europe/Berlin")  # Mon–Fri 09:00–18:00
ROUND_THE_CLOCK = always_open("24x7", "Europe/Berlin")
P1 = DEFAULT_POLICIES[0]


def berlin(month: int, day: int, hour: int, minute: int = 0, *, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def test_p1_at_friday_1755_in_berlin_is_due_on_monday_morning() -> None:
    opened = berlin(3, 6, 17, 55)  # a Friday
    response = add_working_time(OFFICE, opened, P1.response.in_calendar(OFFICE))
    resolution = add_working_time(OFFICE, opened, P1.resolution.in_calendar(OFFICE))
    warning = add_working_time(OFFICE, opened, P1.response.in_calendar(OFFICE) * 0.75)
    assert local(response) == berlin(3, 9, 9, 25)  # 5 min on Friday, 25 on Monday
    assert local(resolution) == berlin(3, 9, 12, 55)
    assert local(warning) == berlin(3, 9, 9, 17) + timedelta(seconds=30)
    assert working_time_between(OFFICE, opened, response) == minutes(30)


def test_the_same_p1_on_a_24x7_calendar_is_due_the_same_evening() -> None:
    opened = berlin(3, 6, 17, 55)
    assert local(add_working_time(ROUND_THE_CLOCK, opened, minutes(30))) == berlin(3, 6, 18, 25)
    assert local(add_working_time(ROUND_THE_CLOCK, opened, timedelta(hours=4))) == berlin(
        3, 6, 21, 55
    )
    # A day is the calendar's working day: 24 h round the clock, 9 h in the office.
    assert WorkDuration(days=1).in_calendar(ROUND_THE_CLOCK) == timedelta(hours=24)
    assert WorkDuration(days=1).in_calendar(OFFICE) == timedelta(hours=9)


def test_a_deadline_skips_one_off_and_yearly_holidays() -> None:
    calendar = office_hours(
        "holidays",
        "Europe/Berlin",
        holidays=[parse_holiday("2026-12-24", "Christmas Eve"), parse_holiday("12-25")],
    )
    opened = berlin(12, 23, 16, 0)  # Wednesday: 2 h left today
    due = add_working_time(calendar, opened, WorkDuration(days=1).in_calendar(calendar))
    # Thu 24 (one-off) and Fri 25 (yearly) are off, then the weekend: 7 h on Monday the 28th.
    assert local(due) == berlin(12, 28, 16, 0)
    assert working_time_between(calendar, opened, due) == timedelta(hours=9)
    # The yearly holiday comes back next year; the one-off date does not.
    assert not calendar.periods_on(berlin(12, 25, 12, year=2027).date())
    assert calendar.periods_on(berlin(12, 24, 12, year=2027).date())


def test_office_hours_stay_local_across_the_spring_switch() -> None:
    opened = berlin(3, 27, 17, 0)  # Friday before clocks go forward on Sunday 29 March
    due = add_working_time(OFFICE, opened, timedelta(hours=2))
    assert local(due) == berlin(3, 30, 10, 0)
    assert opened.utcoffset() == timedelta(hours=1) and local(due).utcoffset() == timedelta(hours=2)
    assert working_time_between(OFFICE, berlin(3, 27, 9), berlin(3, 30, 18)) == timedelta(hours=18)


def test_office_hours_stay_local_across_the_autumn_switch() -> None:
    opened = berlin(10, 23, 17, 0)  # Friday before clocks go back on Sunday 25 October
    due = add_working_time(OFFICE, opened, timedelta(hours=2))
    assert local(due) == berlin(10, 26, 10, 0)
    assert local(due).utcoffset() == timedelta(hours=1)
    assert working_time_between(OFFICE, berlin(10, 23, 9), berlin(10, 26, 18)) == timedelta(
        hours=18
    )


def test_a_24x7_day_has_23_hours_in_spring_and_25_in_autumn() -> None:
    spring = working_time_between(ROUND_THE_CLOCK, berlin(3, 28, 12), berlin(3, 29, 12))
    autumn = working_time_between(ROUND_THE_CLOCK, berlin(10, 24, 12), berlin(10, 25, 12))
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))
    # 24 working hours from Saturday noon: one real day later, 13:00 on the wall clock.
    assert local(add_working_time(ROUND_THE_CLOCK, berlin(3, 28, 12), timedelta(hours=24))) == (
        berlin(3, 29, 13)
    )


def test_a_night_shift_over_the_switch_counts_real_time() -> None:
    night = BusinessCalendar("night", "Europe/Berlin", parse_hours("sun 00:00-06:00"))
    # 00:00–06:00 on the wall clock is 5 real hours in spring and 7 in autumn.
    assert working_time_between(night, berlin(3, 29, 0), berlin(3, 29, 6)) == timedelta(hours=5)
    assert working_time_between(night, berlin(10, 25, 0), berlin(10, 25, 6)) == timedelta(hours=7)
    # Four working hours from Sunday midnight end at 05:00 in spring: 02:00–03:00 never happens.
    assert local(add_working_time(night, berlin(3, 29, 0), timedelta(hours=4))) == berlin(3, 29, 5)
    # … and at 03:00 (the second one, winter time) in autumn.
    autumn = add_working_time(night, berlin(10, 25, 0), timedelta(hours=4))
    assert autumn == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    assert local(autumn).hour == 3 and local(autumn).utcoffset() == timedelta(hours=1)


def test_nights_and_weekends_do_not_count() -> None:
    assert working_time_between(OFFICE, berlin(3, 2, 18), berlin(3, 3, 9)) == timedelta(0)
    assert working_time_between(OFFICE, berlin(3, 6, 18), berlin(3, 9, 9)) == timedelta(0)
    assert working_time_between(OFFICE, berlin(3, 6, 17), berlin(3, 9, 10)) == timedelta(hours=2)
    assert working_time_between(OFFICE, berlin(3, 9, 10), berlin(3, 6, 17)) == -timedelta(hours=2)
    # Opened out of hours, the clock starts at the next opening.
    assert local(add_working_time(OFFICE, berlin(3, 7, 11), minutes(30))) == berlin(3, 9, 9, 30)


def test_a_deadline_that_uses_up_the_day_ends_with_it() -> None:
    assert local(add_working_time(OFFICE, berlin(3, 6, 17), timedelta(hours=1))) == berlin(3, 6, 18)
    assert add_working_time(OFFICE, berlin(3, 7, 11), timedelta(0)) == berlin(3, 7, 11)


def test_split_days_and_uneven_weeks() -> None:
    calendar = BusinessCalendar(
        "split", "Europe/Berlin", parse_hours("mon-thu 09:00-12:00,13:00-17:00; fri 09:00-14:00")
    )
    assert calendar.working_day == timedelta(hours=(4 * 7 + 5) / 5)
    due = add_working_time(calendar, berlin(3, 5, 11), timedelta(hours=3))  # Thursday
    assert local(due) == berlin(3, 5, 15)  # the lunch hour does not count
    assert local(add_working_time(calendar, berlin(3, 6, 13), timedelta(hours=2))) == berlin(
        3, 9, 10
    )


def test_opening_helpers() -> None:
    assert is_working_time(OFFICE, berlin(3, 6, 17, 59))
    assert not is_working_time(OFFICE, berlin(3, 6, 18))
    assert local(next_opening(OFFICE, berlin(3, 6, 18))) == berlin(3, 9, 9)
    assert next_opening(OFFICE, berlin(3, 6, 12)) == berlin(3, 6, 12)
    assert local(first_opening(OFFICE, berlin(3, 30, 0).date()) or berlin(1, 1, 0)) == berlin(
        3, 30, 9
    )
    assert first_opening(OFFICE, berlin(3, 28, 0).date()) is None  # a Saturday


def test_the_24x7_shortcut_agrees_with_walking_the_calendar() -> None:
    # A holiday far away forces the day-by-day walk on an otherwise round-the-clock calendar.
    walked = BusinessCalendar(
        "walked", "Europe/Berlin", ROUND_THE_CLOCK.periods, (parse_holiday("2099-01-01"),)
    )
    assert ROUND_THE_CLOCK.is_always_open and not walked.is_always_open
    rng = random.Random(7)
    for _ in range(200):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(525_600))
        work = timedelta(minutes=rng.randrange(1, 20_000))
        assert add_working_time(walked, start, work) == add_working_time(
            ROUND_THE_CLOCK, start, work
        )
        end = start + work
        assert working_time_between(walked, start, end) == work


def test_adding_and_measuring_are_inverse_on_office_hours() -> None:
    rng = random.Random(11)
    for _ in range(200):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(525_600))
        work = timedelta(minutes=rng.randrange(1, 10_000))
        due = add_working_time(OFFICE, start, work)
        assert working_time_between(OFFICE, start, due) == work
        assert is_working_time(OFFICE, due - timedelta(seconds=1))


def test_a_calendar_that_never_opens_is_refused_not_looped_over() -> None:
    every_day = [parse_holiday(f"{m:02d}-{d:02d}") for m in range(1, 13) for d in range(1, 29)]
    rest = [
        parse_holiday(f"{m:02d}-{d:02d}")
        for m in range(1, 13)
        for d in (29, 30, 31)
        if (m, d) not in ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31))
    ]
    closed = office_hours("closed", "UTC", holidays=every_day + rest)
    with pytest.raises(ConfigurationError, match="no working time"):
        add_working_time(closed, berlin(3, 2, 9), minutes(1))
