"""What a report is asked for: a local date range in a time zone, a period size and filters.

:func:`parse_query` reads the raw text of a form or the command line and refuses bad input with a
message fit to show (:class:`core.errors.InvalidInput`): an inverted or huge range, a date that
is not a date, an unknown time zone, period or filter. Names of groups, categories, agents and
channels are checked against the desk's data by whoever loads the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.enums import Priority, TicketType
from core.errors import InvalidInput

MAX_DAYS = 3 * 366 + 1  # three years: longer ranges are refused rather than left to run for ages
DEFAULT_DAYS = 30
FILTERS = ("group", "category", "channel", "type", "priority", "agent")
RANGE_FIELDS = ("from", "to", "tz", "period")
E = TypeVar("E", bound=StrEnum)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, Monday first
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Filters:
    """Each ``None`` means "any". Names as people type them; ids once resolved."""

    group: str | None = None
    category: str | None = None
    channel: str | None = None
    type: TicketType | None = None
    priority: Priority | None = None
    agent: str | None = None

    def as_text(self) -> dict[str, str]:
        return {name: str(value) for name in FILTERS if (value := getattr(self, name)) is not None}


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """Local dates ``first``..``last`` (both included) in ``timezone``."""

    first: date
    last: date
    timezone: str
    period: Period = Period.DAY
    filters: Filters = field(default_factory=Filters)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start(self) -> datetime:
        """The first instant of the range (local midnight of ``first``), in UTC."""
        return _bounds(self.first, self.last, self.timezone)[0]

    @property
    def end(self) -> datetime:
        """The instant after the range (local midnight after ``last``), in UTC."""
        return _bounds(self.first, self.last, self.timezone)[1]

    def contains(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        start, end = _bounds(self.first, self.last, self.timezone)
        return start <= moment < end

    def as_text(self) -> dict[str, str]:
        """The query as form fields (for links: the CSV of what is on screen)."""
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "tz": self.timezone,
            "period": self.period.value,
            **self.filters.as_text(),
        }


@lru_cache(maxsize=256)
def _bounds(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def parse_query(
    raw: Mapping[str, str | None], *, default_timezone: str, today: date
) -> ReportQuery:
    """A query from text fields; empty fields take defaults (the last 30 days up to ``today``,
    the desk's time zone, per day). Unknown field names are refused."""
    values = {name: (value or "").strip() for name, value in raw.items()}
    unknown = sorted(name for name in values if name not in FILTERS + RANGE_FIELDS)
    if unknown:
        raise InvalidInput(
            "Unknown report filter '{name}'; use {known}.",
            name=unknown[0],
            known=", ".join(FILTERS),
        )
    timezone = values.get("tz") or default_timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "Unknown time zone '{zone}'; use an IANA name such as Europe/Berlin.", zone=timezone
        ) from None
    last = _date(values.get("to"), "to") or today
    first = _date(values.get("from"), "from") or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput(
            "The range starts ({first}) after it ends ({last}).",
            first=first.isoformat(),
            last=last.isoformat(),
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput("A report covers at most {days} days; narrow the range.", days=MAX_DAYS)
    return ReportQuery(
        first=first,
        last=last,
        timezone=timezone,
        period=_choice(Period, values.get("period"), "period") or Period.DAY,
        filters=Filters(
            group=values.get("group") or None,
            category=values.get("category") or None,
            channel=values.get("channel") or None,
            type=_choice(TicketType, values.get("type"), "type"),
            priority=_choice(Priority, (values.get("priority") or "").upper(), "priority"),
            agent=values.get("agent") or None,
        ),
    )


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "'{value}' is not a date for '{name}'; write it as YYYY-MM-DD.", value=text, name=name
        ) from None


def _choice(kind: type[E], text: str | None, name: str) -> E | None:
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput(
            "Unknown {name} '{value}'; choose one of {known}.",
            name=name,
            value=text,
            known=", ".join(member.value for member in kind),
        ) from None
