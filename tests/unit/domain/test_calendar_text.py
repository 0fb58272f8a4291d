"""Calendars, durations and policies as people type them: round trips and one-line refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.calendar_text import format_hours, parse_holiday, parse_hours
from core.domain.calendars import BusinessCalendar, Holiday, WorkingPeriod, pick_calendar
from core.domain.durations import WorkDuration, parse_duration
from core.domain.enums import Priority, TicketType
from core.domain.sla import DEFAULT_POLICIES, SlaPolicy, parse_share, pick_policy, raised
from core.errors import ConfigurationError


@pytest.mark.parametrize(
    "spec",
    [
        ["mon-fri 09:00-18:00"],
        ["mon-thu 09:00-12:00,13:00-17:00", "fri 09:00-14:00"],
        ["mon 08:00-12:00", "wed 08:00-12:00", "sat-sun 10:00-14:00"],
        ["24x7"],
        ["mon-sun 00:00-24:00"],
    ],
)
def test_hours_round_trip(spec: list[str]) -> None:
    periods = parse_hours(spec)
    again = parse_hours(format_hours(periods))
    assert sorted(again) == sorted(periods)


def test_hours_accept_the_usual_spellings() -> None:
    assert parse_hours("Monday-Friday 9:00-18:00") == parse_hours("mon-fri 09:00-18:00")
    assert set(parse_hours("fri-mon 10:00-11:00")) == {
        WorkingPeriod(day, 600, 660) for day in (4, 5, 6, 0)
    }
    assert format_hours(parse_hours("daily 00:00-24:00")) == ["24x7"]
    assert format_hours(parse_hours("mon-fri 09:00-18:00; sat 10:00-14:00")) == [
        "mon-fri 09:00-18:00",
        "sat 10:00-14:00",
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mon-fri 18:00-09:00", "end before they start"),
        ("mon 09:00-13:00; mon 12:00-18:00", "overlap on Monday: 09:00-13:00 and 12:00-18:00"),
        ("mon-fri 09:00-25:00", "no time of day 25:00"),
        ("mon-fri 09:61-18:00", "no time of day"),
        ("funday 09:00-18:00", "not a working-hours entry"),
        ("mon-fri", "not a working-hours entry"),
        ("mon-fri 9-18", "not a working-hours entry"),
        ("", "No working hours given"),
    ],
)
def test_bad_hours_get_one_line(spec: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        BusinessCalendar("bad", "Europe/Berlin", parse_hours(spec))
    assert "\n" not in str(caught.value)


def test_bad_time_zone_and_holidays() -> None:
    with pytest.raises(ConfigurationError, match="Unknown time zone 'Mars/Base'"):
        BusinessCalendar("bad", "Mars/Base", parse_hours("24x7"))
    with pytest.raises(ConfigurationError, match="no date 2026-02-30"):
        parse_holiday("2026-02-30")
    with pytest.raises(ConfigurationError, match="not a holiday date"):
        parse_holiday("31/12/2026")
    with pytest.raises(ConfigurationError, match="no date 13-01"):
        parse_holiday("13-01")
    assert parse_holiday("--02-29") == Holiday(2, 29)  # yearly, counts in leap years
    assert str(parse_holiday("2026-12-24")) == "2026-12-24"


def test_pick_calendar_prefers_the_group_then_the_default() -> None:
    hours = parse_hours("24x7")
    default = BusinessCalendar("default", "UTC", hours, is_default=True, id=1)
    own = BusinessCalendar("moscow", "Europe/Moscow", hours, id=2)
    assert pick_calendar([own, default], group_calendar_id=2) is own
    assert pick_calendar([own, default], group_calendar_id=None) is default
    assert pick_calendar([own, default], group_calendar_id=99) is default
    assert pick_calendar([], group_calendar_id=None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", WorkDuration(0, 30)),
        ("4h", WorkDuration(0, 240)),
        ("1d", WorkDuration(1, 0)),
        ("1d 4h", WorkDuration(1, 240)),
        ("1h30m", WorkDuration(0, 90)),
        ("2 hours", WorkDuration(0, 120)),
        ("90 min", WorkDuration(0, 90)),
        ("3 days", WorkDuration(3, 0)),
    ],
)
def test_durations(text: str, expected: WorkDuration) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(str(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4x", "not a duration"),
        ("-3h", "not a duration"),
        ("h", "not a duration"),
        ("1.5h", "not a duration"),
        ("90", "not a duration"),
        ("0m", "longer than zero"),
        ("400d", "too long"),
    ],
)
def test_bad_durations(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_duration(text)


def test_policy_choice_prefers_the_most_specific() -> None:
    network = SlaPolicy(Priority.P2, parse_duration("1h"), parse_duration("8h"), category="network")
    requests = SlaPolicy(
        Priority.P2,
        parse_duration("4h"),
        parse_duration("2d"),
        ticket_type=TicketType.SERVICE_REQUEST,
    )
    both = SlaPolicy(
        Priority.P2,
        parse_duration("2h"),
        parse_duration("1d"),
        ticket_type=TicketType.SERVICE_REQUEST,
        category="network",
    )
    policies = [*DEFAULT_POLICIES, network, requests, both]

    def pick(kind: TicketType, category: str | None) -> SlaPolicy | None:
        return pick_policy(policies, priority=Priority.P2, ticket_type=kind, category=category)

    assert pick(TicketType.INCIDENT, None) is DEFAULT_POLICIES[1]
    assert pick(TicketType.INCIDENT, "network") is network
    assert pick(TicketType.SERVICE_REQUEST, "hardware") is requests
    assert pick(TicketType.SERVICE_REQUEST, "network") is both
    assert (
        pick_policy([], priority=Priority.P1, ticket_type=TicketType.INCIDENT, category=None)
        is None
    )


def test_defaults_and_small_helpers() -> None:
    assert [(p.priority.value, str(p.response), str(p.resolution)) for p in DEFAULT_POLICIES] == [
        ("P1", "30m", "4h"),
        ("P2", "2h", "1d"),
        ("P3", "8h", "3d"),
        ("P4", "1d", "5d"),
    ]
    assert raised(Priority.P3) is Priority.P2 and raised(Priority.P1) is Priority.P1
    assert parse_share("75%") == parse_share("0.75") == 0.75
    with pytest.raises(ConfigurationError, match="between 0 % and 100 %"):
        parse_share("150%")
    with pytest.raises(ConfigurationError, match="between 0 % and 100 %"):
        SlaPolicy(Priority.P1, parse_duration("1h"), parse_duration("2h"), warn_share=1.0)
    assert DEFAULT_POLICIES[0].targets(
        BusinessCalendar("x", "UTC", parse_hours("24x7"))
    ).resolution == timedelta(hours=4)
