"""How long each ticket took, in working time (its SLA calendar) and in calendar time.

- **First response**: from creation to the first public message an agent sent the requester
  (a reply, or the resolution itself) — what the SLA's response clock measures.
- **Resolution**: from creation to the latest resolution. In working time the pauses are left
  out exactly as the SLA's resolution clock leaves them out (waiting on the requester, and the
  time a reopened ticket sat resolved); in calendar time everything counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.reports.facts import ReportData, TicketFact
from core.reports.ruler import Rulers


@dataclass(frozen=True, slots=True)
class Timing:
    response_work: float | None
    response_calendar: float | None
    resolution_work: float | None
    resolution_calendar: float | None


class Timings:
    """Each ticket's timings, computed once per report."""

    def __init__(self, data: ReportData) -> None:
        zone = data.query.zone
        days = [t.created_at.astimezone(zone).date() for t in data.tickets]
        first = min(days, default=data.query.first)
        last: date = max(data.now.astimezone(zone).date(), data.query.last)
        self._rulers = Rulers(first, last)
        self._cache: dict[int, Timing] = {}

    def of(self, ticket: TicketFact) -> Timing:
        timing = self._cache.get(ticket.number)
        if timing is None:
            timing = self._cache[ticket.number] = self._measure(ticket)
        return timing

    def _measure(self, ticket: TicketFact) -> Timing:
        seconds = self._rulers.seconds
        created = ticket.created_at
        response_work = response_calendar = resolution_work = resolution_calendar = None
        if ticket.first_response_at is not None:
            response_work = seconds(ticket.calendar, created, ticket.first_response_at)
            response_calendar = (ticket.first_response_at - created).total_seconds()
        if ticket.resolved_at is not None:
            stop = ticket.paused_since or ticket.resolved_at
            worked = seconds(ticket.calendar, created, stop) - ticket.paused_seconds
            resolution_work = max(worked, 0.0)
            resolution_calendar = (ticket.resolved_at - created).total_seconds()
        return Timing(response_work, response_calendar, resolution_work, resolution_calendar)
