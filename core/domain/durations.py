"""Amounts of working time as people write them: ``30m``, ``4h``, ``1d``, ``1d 4h``.

A day is a *working* day of whichever calendar the duration is measured in
(:attr:`BusinessCalendar.working_day`: 9 h for Mon–Fri 09:00–18:00, 24 h for 24×7), so
"1 day" means "by this time next working day" everywhere. Hours and minutes are plain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from core.domain.calendars import BusinessCalendar
from core.errors import ConfigurationError

MAX_DAYS = 366
_UNITS = {
    "d": "d",
    "day": "d",
    "days": "d",
    "h": "h",
    "hr": "h",
    "hour": "h",
    "hours": "h",
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
}
_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")


@dataclass(frozen=True, slots=True, order=True)
class WorkDuration:
    """Whole working days plus minutes of working time."""

    days: int = 0
    minutes: int = 0

    def in_calendar(self, calendar: BusinessCalendar) -> timedelta:
        return self.days * calendar.working_day + timedelta(minutes=self.minutes)

    @property
    def is_zero(self) -> bool:
        return self.days == 0 and self.minutes == 0

    def __str__(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        parts = [f"{self.days}d"] if self.days else []
        parts += [f"{hours}h"] if hours else []
        parts += [f"{minutes}m"] if minutes or not parts else []
        return " ".join(parts)


def parse_duration(text: str, *, allow_zero: bool = False) -> WorkDuration:
    """Read ``30m``, ``4h``, ``1d``, ``1d 4h``, ``2 hours``… into a :class:`WorkDuration`."""
    raw = (text or "").strip().lower()
    compact = raw.replace(" ", "")
    parts = _PART.findall(raw)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != compact:
        raise _malformed(text)
    days = minutes = 0
    for number, word in parts:
        unit = _UNITS.get(word)
        if unit is None:
            raise _malformed(text)
        value = int(number)
        if unit == "d":
            days += value
        else:
            minutes += value * (60 if unit == "h" else 1)
    duration = WorkDuration(days, minutes)
    if duration.is_zero and not allow_zero:
        raise ConfigurationError("A duration must be longer than zero, not '{text}'.", text=text)
    if days > MAX_DAYS or minutes > MAX_DAYS * 24 * 60:
        raise ConfigurationError(
            "The duration '{text}' is too long; the limit is {limit} days.",
            text=text,
            limit=MAX_DAYS,
        )
    return duration


def _malformed(text: str) -> ConfigurationError:
    return ConfigurationError(
        "'{text}' is not a duration; write e.g. 30m, 4h, 1d or 1d 4h.", text=(text or "").strip()
    )
