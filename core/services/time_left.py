"""How a deadline reads to people: "due in 1 h 20 m", "breached 15 m ago", "met", "paused"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.sla import SlaState
from core.domain.sla_clock import STOPPED, SlaClock
from core.i18n import gettext as _


def span(language: str, amount: timedelta) -> str:
    """A duration in at most two units: "2 d 3 h", "1 h 20 m", "45 m", "less than a minute"."""
    minutes = int(abs(amount).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    units = [(days, _(language, "d")), (hours, _(language, "h")), (mins, _(language, "m"))]
    parts = [f"{value} {unit}" for value, unit in units if value][:2]
    return " ".join(parts) if parts else _(language, "less than a minute")


def moment(language: str, when: datetime, *, zone: ZoneInfo, now: datetime) -> str:
    """A time in the desk's zone: "14:30" today, "2026-03-09 09:25" on another day."""
    local, today = when.astimezone(zone), now.astimezone(zone)
    return local.strftime("%H:%M" if local.date() == today.date() else "%Y-%m-%d %H:%M")


def deadline(
    language: str,
    due: datetime | None,
    state: SlaState | None,
    *,
    zone: ZoneInfo,
    now: datetime,
    stopped: bool = False,
) -> str | None:
    """One target's line for cards and the queue; None when no target applies. ``stopped``: the
    clock no longer runs (resolved, closed), so a breach reads "missed", not "… ago"."""
    if state is None:
        return None
    if state == SlaState.MET:
        return _(language, "met")
    if stopped:
        return _(language, "missed")
    if due is None:
        return _(language, "paused")
    if due <= now:
        return _(language, "breached {span} ago", span=span(language, now - due))
    return _(
        language,
        "due in {span} ({time})",
        span=span(language, due - now),
        time=moment(language, due, zone=zone, now=now),
    )


def sla_lines(language: str, clock: SlaClock, *, zone: ZoneInfo, now: datetime) -> list[str]:
    """ "Response: due in 25 m (09:25)", "Resolution: breached 1 h ago" — what applies."""
    lines = []
    stopped = clock.seen_status in STOPPED
    response = deadline(
        language,
        clock.response_due_at,
        clock.response_state,
        zone=zone,
        now=now,
        stopped=stopped,
    )
    if response and clock.response_state != SlaState.MET:
        lines.append(_(language, "Response: {deadline}", deadline=response))
    resolution = deadline(
        language,
        clock.resolution_due_at,
        clock.resolution_state,
        zone=zone,
        now=now,
        stopped=stopped,
    )
    if resolution:
        lines.append(_(language, "Resolution: {deadline}", deadline=resolution))
    return lines


def earliest_due(clock: SlaClock) -> datetime | None:
    """The deadline that comes first among those still running: the queue sorts by it."""
    pending = (SlaState.OK, SlaState.WARNING, SlaState.BREACHED)
    dues = [
        due
        for due, state in (
            (clock.response_due_at, clock.response_state),
            (clock.resolution_due_at, clock.resolution_state),
        )
        if due is not None and state in pending
    ]
    return min(dues, default=None)


def soonest(language: str, clock: SlaClock, *, zone: ZoneInfo, now: datetime) -> str | None:
    """The earliest running deadline as one phrase for a list line ("due in 20 m (09:25)",
    "breached 15 m ago"); None when no target runs."""
    due = earliest_due(clock)
    if due is None:
        return None
    state = clock.response_state if due == clock.response_due_at else clock.resolution_state
    return deadline(language, due, state, zone=zone, now=now)
