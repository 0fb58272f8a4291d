"""Reading what a report is asked for: defaults, and a clear refusal for each kind of bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.domain.enums import Priority, TicketType
from core.errors import InvalidInput
from core.reports.query import MAX_DAYS, Period, parse_query

TODAY = date(2026, 11, 30)


def ask(**fields: str) -> object:
    return parse_query(fields, default_timezone="Pacific/Auckland", today=TODAY)


def test_defaults_are_the_last_30_days_in_the_desks_zone() -> None:
    query = parse_query({}, default_timezone="Pacific/Auckland", today=TODAY)
    assert (query.first, query.last) == (date(2026, 11, 1), TODAY)
    assert query.timezone == "Pacific/Auckland" and query.period is Period.DAY
    # local midnight in Auckland (UTC+13 in summer) is 11:00 UTC the day before
    assert query.start == datetime(2026, 10, 31, 11, 0, tzinfo=UTC)
    assert query.end == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def test_a_range_across_a_clock_change_has_its_real_length() -> None:
    query = parse_query(
        {"from": "2026-09-27", "to": "2026-09-27"}, default_timezone="Pacific/Auckland", today=TODAY
    )
    assert (query.end - query.start).total_seconds() == 23 * 3600


def test_filters_are_read_and_normalised() -> None:
    query = parse_query(
        {"priority": "p2", "type": "incident", "group": " infra ", "period": "week", "agent": ""},
        default_timezone="UTC",
        today=TODAY,
    )
    assert query.filters.priority is Priority.P2 and query.filters.type is TicketType.INCIDENT
    assert query.filters.group == "infra" and query.filters.agent is None
    assert query.period is Period.WEEK
    assert query.as_text()["priority"] == "P2"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"from": "2026-11-10", "to": "2026-11-01"}, "starts (2026-11-10) after it ends"),
        ({"from": "2020-01-01", "to": "2026-11-01"}, f"at most {MAX_DAYS} days"),
        ({"tz": "Mars/Olympus"}, "Unknown time zone 'Mars/Olympus'"),
        ({"from": "yesterday"}, "'yesterday' is not a date for 'from'"),
        ({"to": "2026-02-30"}, "'2026-02-30' is not a date for 'to'"),
        ({"colour": "red"}, "Unknown report filter 'colour'"),
        ({"priority": "P9"}, "Unknown priority 'P9'"),
        ({"type": "rant"}, "Unknown type 'rant'"),
        ({"period": "decade"}, "Unknown period 'decade'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(fields: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query(fields, default_timezone="UTC", today=TODAY)
