"""What the reports are computed from: one record per ticket and per self-help question, read
from storage with the filters already applied (``storage.report_facts`` builds them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    COUNTS = "counts"  # counted in the database: per 15-minute slot, and per label
    SLA = "sla"  # SLA states counted in the database, and the breached tickets
    RATINGS = "ratings"  # ratings of the tickets resolved in the range, counted in the database


SLOT_SECONDS = 900  # every time zone in use is a whole number of quarter hours from UTC


@dataclass
class Counts:
    """Tickets counted by the database rather than read one by one. A slot is a UTC quarter
    hour (``epoch // 900``): local days, weeks and months are whole numbers of slots, so the
    buckets of any time zone are sums of slots."""

    created: dict[int, int] = field(default_factory=dict)
    resolved: dict[int, int] = field(default_factory=dict)
    closed: dict[int, int] = field(default_factory=dict)
    done: dict[int, int] = field(default_factory=dict)  # resolved, else closed: left the backlog
    created_by: dict[str, dict[str, int]] = field(default_factory=dict)  # "group" → name → n

    @staticmethod
    def instant(slot: int) -> datetime:
        return datetime.fromtimestamp(slot * SLOT_SECONDS, UTC)


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


SlaPair = tuple[SlaState | None, SlaState | None]  # (response state, resolution state)


@dataclass
class SlaCounts:
    """Tickets created in the range by their two SLA states: over all (label ``""``), per
    group and per category; and the breached ones themselves."""

    states: dict[str, dict[str, dict[SlaPair, int]]] = field(default_factory=dict)
    breached: list[TicketFact] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RatingComment:
    number: int
    score: int | None
    agent: str
    comment: str
    rated_at: datetime


@dataclass
class Ratings:
    """Tickets resolved in the range by (agent, category) and latest score (None: unrated);
    the reopen figures of the tickets created in the range; the latest comments."""

    scores: dict[tuple[str, str], dict[int | None, int]] = field(default_factory=dict)
    resolved_once: int = 0
    reopened: int = 0
    comments: list[RatingComment] = field(default_factory=list)


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
    counts: Counts = field(default_factory=Counts)
    sla: SlaCounts = field(default_factory=lambda: SlaCounts())
    ratings: Ratings = field(default_factory=lambda: Ratings())


def grouped_by(tickets: list[TicketFact], attribute: str) -> list[tuple[str, list[TicketFact]]]:
    """The tickets by the text of one attribute (group, agent...), in label order."""
    groups: dict[str, list[TicketFact]] = defaultdict(list)
    for ticket in tickets:
        groups[str(getattr(ticket, attribute))].append(ticket)
    return sorted(groups.items())
