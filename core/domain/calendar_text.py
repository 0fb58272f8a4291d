"""Calendars as people write them, both ways: the command line and YAML use these, nothing else.

Working hours: entries separated by ``;`` (or given as a list), each ``DAYS TIMES``:
``mon-fri 09:00-18:00``, ``sat 10:00-14:00``, ``mon,wed 08:00-12:00,13:00-17:00``, ``daily
00:00-24:00``; ``24x7`` (or ``24/7``) alone means every minute. Holidays: ``2026-12-24`` (that day
once) or ``12-25`` (every year).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from core.domain.calendars import (
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    WEEKDAY_TITLES,
    Holiday,
    WorkingPeriod,
    check_holiday,
    clock_text,
)
from core.errors import ConfigurationError

ALWAYS = "24x7"
_ENTRY = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_ONE_OFF = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEARLY = re.compile(r"^(?:--)?(\d{2})-(\d{2})$")


def parse_hours(spec: str | Sequence[str]) -> tuple[WorkingPeriod, ...]:
    """Working periods from ``"mon-fri 09:00-18:00; sat 10:00-14:00"`` or a list of entries."""
    entries = [spec] if isinstance(spec, str) else list(spec)
    parts = [part.strip() for entry in entries for part in re.split(r"[;\n]", entry)]
    parts = [part for part in parts if part]
    if not parts:
        raise ConfigurationError("No working hours given; write e.g. mon-fri 09:00-18:00 or 24x7.")
    if [part.lower() for part in parts] in (["24x7"], ["24/7"]):
        return tuple(WorkingPeriod(day, 0, MINUTES_PER_DAY) for day in range(7))
    periods: list[WorkingPeriod] = []
    for part in parts:
        match = _ENTRY.match(part)
        if not match:
            raise _bad_entry(part)
        days = _weekdays(match.group(1), part)
        for span in match.group(2).split(","):
            start, end = _span(span, part)
            periods += [WorkingPeriod(day, start, end) for day in days]
    return tuple(periods)


def format_hours(periods: Iterable[WorkingPeriod]) -> list[str]:
    """The shortest entries that :func:`parse_hours` reads back into the same periods."""
    by_day: dict[int, tuple[tuple[int, int], ...]] = {
        day: tuple(sorted((p.start, p.end) for p in periods if p.weekday == day))
        for day in range(7)
    }
    if all(spans == ((0, MINUTES_PER_DAY),) for spans in by_day.values()):
        return [ALWAYS]
    entries: list[str] = []
    day = 0
    while day < 7:
        spans = by_day[day]
        last = day
        while last + 1 < 7 and by_day[last + 1] == spans:
            last += 1
        if spans:
            days = WEEKDAY_NAMES[day] + (f"-{WEEKDAY_NAMES[last]}" if last > day else "")
            times = ",".join(f"{clock_text(s)}-{clock_text(e)}" for s, e in spans)
            entries.append(f"{days} {times}")
        day = last + 1
    return entries


def parse_holiday(text: str, name: str = "") -> Holiday:
    """``2026-12-24`` is that date once; ``12-25`` (or ``--12-25``) is every year."""
    raw = (text or "").strip()
    if match := _ONE_OFF.match(raw):
        year, month, day = (int(g) for g in match.groups())
        holiday = Holiday(month, day, year, name.strip())
    elif match := _YEARLY.match(raw):
        month, day = (int(g) for g in match.groups())
        holiday = Holiday(month, day, None, name.strip())
    else:
        raise ConfigurationError(
            "'{text}' is not a holiday date; write 2026-12-24 for one day or 12-25 for every year.",
            text=raw,
        )
    check_holiday(holiday)
    return holiday


def _weekdays(text: str, entry: str) -> list[int]:
    lowered = text.lower()
    if lowered in ("daily", "everyday"):
        return list(range(7))
    days: list[int] = []
    for piece in lowered.split(","):
        first, _, last = piece.partition("-")
        start = _weekday(first, entry)
        end = _weekday(last, entry) if last else start
        day = start
        days.append(day)
        while day != end:  # a range may wrap over the weekend: fri-mon
            day = (day + 1) % 7
            days.append(day)
    return days


def _weekday(text: str, entry: str) -> int:
    """``mon``, ``monday`` or anything between: at least three letters of the English name."""
    for index, full in enumerate(WEEKDAY_TITLES):
        if len(text) >= 3 and full.lower().startswith(text):
            return index
    raise _bad_entry(entry)


def _span(text: str, entry: str) -> tuple[int, int]:
    first, sep, last = text.partition("-")
    if not sep:
        raise _bad_entry(entry)
    return _clock(first, entry), _clock(last, entry)


def _clock(text: str, entry: str) -> int:
    match = _CLOCK.match(text.strip())
    if not match:
        raise _bad_entry(entry)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ConfigurationError(
            "There is no time of day {time} (in '{entry}').", time=text, entry=entry
        )
    return hours * 60 + minutes


def _bad_entry(entry: str) -> ConfigurationError:
    return ConfigurationError(
        "'{entry}' is not a working-hours entry; write e.g. mon-fri 09:00-18:00 or 24x7.",
        entry=entry,
    )
