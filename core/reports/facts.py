"""What the reports are computed from: one record per ticket and per self-help question, read
from storage with the filters already applied (``storage.report_facts`` builds them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.domain.calendars import BusinessCalendar
from core.domain.enums import Priority, TicketStatus, TicketType
from core.domain.knowledge import SuggestionOutcome, UnansweredReason
from core.domain.sla import SlaState
from core.reports.query import ReportQuery

NONE_LABEL = "—"  # a ticket with no category, group or agent


class Needs(StrEnum):
    """What a report reads, so the loader fetches no more than that."""

    CREATED = "created"  # tickets created in the range
    EVENTS = "events"  # tickets created, resolved or closed in the range (and the backlog)
    OPEN_NOW = "open_now"
    SELF_HELP = "self_help"


ALL_NEEDS = frozenset(Needs)


@dataclass(frozen=True, slots=True)
class TicketFact:
    number: int
    title: str
    status: TicketStatus
    type: TicketType
    priority: Priority
    channel: str
    category: str  # its name, or NONE_LABEL
    group: str
    agent: str  # the assignee's name, or NONE_LABEL
    calendar: BusinessCalendar  # the ticket's SLA calendar (its group's, else the default)
    created_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None  # the latest resolution (a reopened ticket has none)
    closed_at: datetime | None = None
    rating: int | None = None  # the latest rating the requester gave
    rating_comment: str | None = None
    rated_at: datetime | None = None
    response_state: SlaState | None = None  # None: no SLA policy covered it
    resolution_state: SlaState | None = None
    paused_seconds: float = 0.0  # working time in finished pauses (waiting, resolved)
    paused_since: datetime | None = None  # the pause going on now (a resolved ticket: its stop)
    reopened: bool = False  # reopened at least once

    @property
    def done_at(self) -> datetime | None:
        """When it left the backlog: resolved, else closed without a resolution."""
        return self.resolved_at or self.closed_at


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """A ticket open now, for the ages of the backlog and each agent's load."""

    number: int
    created_at: datetime
    agent: str


@dataclass(frozen=True, slots=True)
class SelfHelpFact:
    """One question the bot tried to answer from the knowledge base."""

    created_at: datetime
    channel: str
    outcome: SuggestionOutcome
    article_ids: tuple[str, ...] = ()
    helped_article_id: str | None = None


@dataclass(frozen=True, slots=True)
class UnansweredFact:
    id: int
    sample: str
    reason: UnansweredReason
    count: int
    last_seen: datetime


@dataclass
class ReportData:
    """Everything one report may read: tickets created, resolved or closed in the range,
    the backlog when it began, the tickets open now, and the self-help log of the range."""

    query: ReportQuery
    now: datetime
    tickets: list[TicketFact] = field(default_factory=list)
    backlog_at_start: int = 0
    open_now: list[OpenTicket] = field(default_factory=list)
    self_help: list[SelfHelpFact] = field(default_factory=list)
    unanswered: list[UnansweredFact] = field(default_factory=list)
    article_titles: dict[str, str] = field(default_factory=dict)


def grouped_by(tickets: list[TicketFact], attribute: str) -> list[tuple[str, list[TicketFact]]]:
    """The tickets by the text of one attribute (group, agent...), in label order."""
    groups: dict[str, list[TicketFact]] = defaultdict(list)
    for ticket in tickets:
        groups[str(getattr(ticket, attribute))].append(ticket)
    return sorted(groups.items())
