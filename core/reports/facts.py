"""What the reports are computed from: one record per ticket and per self-help question, read
from storage with the filters already applied (``storage.report_facts`` builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.domain.enums import Priority, TicketStatus, TicketType
from core.domain.knowledge import SuggestionOutcome, UnansweredReason
from core.domain.sla import SlaState
from core.reports.query import ReportQuery

NONE_LABEL = "—"  # a ticket with no category, group or agent


class Needs(StrEnum):
    """What a report reads, so the loader fetches no more than that."""

    SPEED = "speed"  # response and resolution times of the tickets created in the range
    AGENTS = "agents"  # per agent: the tickets resolved in the range
    OPEN_NOW = "open_now"  # the tickets open now: by age, and per agent
    SELF_HELP = "self_help"  # questions per local day and outcome; articles shown and solving
    COUNTS = "counts"  # created, resolved, closed per local day; created per label; backlog
    HOURLY = "hourly"  # created per local hour (the rhythm's heatmap)
    SLA = "sla"  # SLA states counted in the database, and the breached tickets
    RATINGS = "ratings"  # ratings of the tickets resolved in the range, counted in the database


SLOT_SECONDS = 900  # every time zone in use is a whole number of quarter hours from UTC


@dataclass
class Counts:
    """Tickets counted by the database rather than read one by one, per day or hour of the
    report's time zone (local dates; local hours as naive datetimes)."""

    created: dict[date, int] = field(default_factory=dict)
    resolved: dict[date, int] = field(default_factory=dict)
    closed: dict[date, int] = field(default_factory=dict)
    done: dict[date, int] = field(default_factory=dict)  # resolved, else closed: left the backlog
    created_by: dict[str, dict[str, int]] = field(default_factory=dict)  # "group" → name → n
    created_hourly: dict[datetime, int] = field(default_factory=dict)


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
    created_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None  # the latest resolution (a reopened ticket has none)
    closed_at: datetime | None = None
    rating: int | None = None  # the latest rating the requester gave
    rating_comment: str | None = None
    rated_at: datetime | None = None
    response_state: SlaState | None = None  # None: no SLA policy covered it
    resolution_state: SlaState | None = None


MEASURES = ("response_work", "response_calendar", "resolution_work", "resolution_calendar")
SPEED_DIMENSIONS = ("priority", "group", "category", "agent")
ALL = "all"  # the dimension (and its one label "") of the whole range


@dataclass(frozen=True, slots=True)
class Spread:
    """How many values one measure has, and their median and p90 by nearest rank
    (:func:`core.reports.stats.nearest_rank`); None when there are none."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class Speeds:
    """Tickets created in the range: per dimension (``ALL`` or one of ``SPEED_DIMENSIONS``),
    per label (a priority, a group's name...), per measure (``MEASURES``)."""

    by: dict[str, dict[str, dict[str, Spread]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AgentFigures:
    """The tickets one agent resolved in the range."""

    handled: int = 0
    response_median: float | None = None  # working time
    resolution_median: float | None = None
    rated: int = 0
    rating_sum: int = 0


@dataclass
class OpenNow:
    """The tickets open now: how many were created within each age limit, and per agent."""

    total: int = 0
    younger_than: dict[timedelta, int] = field(default_factory=dict)
    by_agent: dict[str, int] = field(default_factory=dict)


@dataclass
class SelfHelpCounts:
    """The questions the bot tried to answer from the knowledge base, counted by the database:
    per local day and outcome; per article, the questions it was shown in and those it solved."""

    per_day: dict[date, dict[SuggestionOutcome, int]] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)
    helped: dict[str, int] = field(default_factory=dict)


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
    group and per category; and the latest breached ones themselves (at most
    :data:`core.reports.speed.BREACHED_LISTED`)."""

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
    """Everything one report may read, counted and measured by the database: ticket
    counts, timings, SLA states, ratings, the backlog when the range began, the tickets open
    now, and the self-help log of the range."""

    query: ReportQuery
    now: datetime
    speeds: Speeds = field(default_factory=lambda: Speeds())
    agents: dict[str, AgentFigures] = field(default_factory=dict)
    backlog_at_start: int = 0
    open_now: OpenNow = field(default_factory=lambda: OpenNow())
    self_help: SelfHelpCounts = field(default_factory=lambda: SelfHelpCounts())
    unanswered: list[UnansweredFact] = field(default_factory=list)
    article_titles: dict[str, str] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)
    sla: SlaCounts = field(default_factory=lambda: SlaCounts())
    ratings: Ratings = field(default_factory=lambda: Ratings())
