"""A seeded history of a desk for the report tests: tickets with their replies, waits,
resolutions, reopenings, ratings and SLA clocks, and self-help questions.

Each ticket lives through a timeline of events; its SLA clock is replayed through the domain's
own :func:`core.domain.sla_clock.reconcile` / :func:`take_due` at every event, as the services
and the sweep would. The records keep the timeline itself (:class:`GenTicket`), so a test can
compute every figure from the events alone and compare it with what the reports say.

The desk sits in Pacific/Auckland (UTC+12/+13): local midnight is midday UTC, so tickets span
midnight in one zone and not the other. Daylight saving starts there on 2026-09-27, and
Labour Day (2026-10-26) is a holiday in both calendars.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from core.domain.calendars import BusinessCalendar, Holiday, WorkingPeriod, office_hours
from core.domain.enums import MessageKind, Priority, Role, SupportLine, TicketStatus, TicketType
from core.domain.follow_ups import Automation
from core.domain.knowledge import ArticleStatus, SuggestionOutcome, UnansweredReason
from core.domain.sla import DEFAULT_POLICIES, SlaPolicy
from core.domain.sla_clock import SlaClock, reconcile, take_due
from storage import tables as t
from storage.report_tickets import backfill
from storage.unit_of_work import Database

ZONE = "Pacific/Auckland"
LABOUR_DAY = Holiday(10, 26, name="Labour Day")
FIRST_DAY, LAST_DAY = date(2026, 9, 14), date(2026, 10, 31)  # the range the tests ask about
SPAN_START = datetime(2026, 9, 1, tzinfo=UTC)  # tickets begin before the range ...
SPAN_END = datetime(2026, 11, 4, tzinfo=UTC)  # ... and go on after it
NOW = datetime(2026, 11, 5, 3, 0, tzinfo=UTC)
AGENTS = ("Alice", "Boris", "Chen")
CHANNELS = ("telegram", "slack", "admin")
CATEGORIES = (("network", "Network"), ("access", "Access"), ("hardware", "Hardware"))
ARTICLES = (("vpn", "VPN set-up"), ("wifi", "Wi-Fi"), ("password", "Password reset"))
S = TicketStatus


def desk_calendar() -> BusinessCalendar:
    base = office_hours("default", ZONE, start=9 * 60, end=17 * 60 + 30, holidays=[LABOUR_DAY])
    return BusinessCalendar(base.name, ZONE, base.periods, base.holidays, is_default=True)


def infra_calendar() -> BusinessCalendar:
    """Round the clock, except the holiday: working days are 23 h or 25 h when clocks change."""
    periods = tuple(WorkingPeriod(day, 0, 24 * 60) for day in range(7))
    return BusinessCalendar("infra-24x7", ZONE, periods, (LABOUR_DAY,))


@dataclass
class GenMessage:
    at: datetime
    kind: MessageKind
    by_agent: bool


@dataclass
class GenTicket:
    """One ticket and everything that happened to it, in order."""

    number: int
    title: str
    type: TicketType
    priority: Priority
    channel: str
    category: str | None  # slug
    group: str  # "desk" or "infra"
    created_at: datetime
    agent: str | None = None
    messages: list[GenMessage] = field(default_factory=list)
    statuses: list[tuple[datetime, TicketStatus]] = field(default_factory=list)
    ratings: list[tuple[datetime, int, str | None]] = field(default_factory=list)
    # the replayed state, as the services would leave it
    status: TicketStatus = S.NEW
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating_score: int | None = None
    rated_at: datetime | None = None
    sla: SlaClock = field(default_factory=SlaClock)

    def calendar(self) -> BusinessCalendar:
        return infra_calendar() if self.group == "infra" else desk_calendar()


@dataclass
class GenQuestion:
    created_at: datetime
    channel: str
    outcome: SuggestionOutcome
    article_ids: list[str]
    helped: str | None


@dataclass
class GenUnanswered:
    id: int
    sample: str
    reason: UnansweredReason
    count: int
    last_seen: datetime
    resolved: bool


@dataclass
class History:
    tickets: list[GenTicket]
    questions: list[GenQuestion]
    unanswered: list[GenUnanswered]
    now: datetime = NOW


def generate(seed: int = 12, tickets: int = 260, questions: int = 160) -> History:
    rng = random.Random(seed)
    made = [_ticket(rng, number) for number in range(1, tickets + 1)]
    asked = [_question(rng) for _ in range(questions)]
    log = [
        GenUnanswered(
            i,
            f"question nobody answered {i}",
            rng.choice(list(UnansweredReason)),
            rng.randint(1, 30),
            _moment(rng),
            rng.random() < 0.25,
        )
        for i in range(1, 16)
    ]
    return History(made, asked, log)


def _moment(rng: random.Random) -> datetime:
    seconds = rng.uniform(0, (SPAN_END - SPAN_START).total_seconds())
    return (SPAN_START + timedelta(seconds=seconds)).replace(microsecond=0)


def _after(rng: random.Random, moment: datetime, hours: float) -> datetime:
    return moment + timedelta(seconds=round(rng.expovariate(1 / (hours * 3600))) + 1)


def _ticket(rng: random.Random, number: int) -> GenTicket:
    category = rng.choice([*(slug for slug, _ in CATEGORIES), None])
    ticket = GenTicket(
        number=number,
        title=f"Problem {number}",
        type=rng.choice(list(TicketType)),
        priority=rng.choice(list(Priority)),
        channel=rng.choice(CHANNELS),
        category=category,
        group=rng.choice(("desk", "desk", "infra")),
        created_at=_moment(rng),
    )
    clock = Replay(ticket)
    clock.at(ticket.created_at)
    moment = ticket.created_at
    if rng.random() < 0.3:  # an internal note first: it is not a response
        moment = _after(rng, moment, 1)
        ticket.messages.append(GenMessage(moment, MessageKind.INTERNAL, True))
    if rng.random() < 0.06:  # cancelled by the requester before anyone answered
        clock.move(_after(rng, moment, 20), S.CLOSED)
        return clock.finish()
    if rng.random() < 0.12:  # nobody answered yet
        return clock.finish()
    moment = _after(rng, moment, 6)
    if moment >= NOW:
        return clock.finish()
    ticket.agent = rng.choice(AGENTS)
    ticket.messages.append(GenMessage(moment, MessageKind.PUBLIC, True))
    clock.respond(moment)
    if rng.random() < 0.25:  # the agent asks something and waits on the requester
        moment = _after(rng, moment, 2)
        if not clock.move(moment, S.WAITING):
            return clock.finish()
        moment = _after(rng, moment, 20)
        if not clock.move(moment, S.IN_PROGRESS):
            return clock.finish()
        ticket.messages.append(GenMessage(moment, MessageKind.PUBLIC, False))
    if rng.random() < 0.18:
        return clock.finish()
    moment = _after(rng, moment, 30)
    if not clock.move(moment, S.RESOLVED):
        return clock.finish()
    if rng.random() < 0.15:  # it came back
        moment = _after(rng, moment, 10)
        if not clock.move(moment, S.IN_PROGRESS, reopen=True):
            return clock.finish()
        moment = _after(rng, moment, 15)
        if not clock.move(moment, S.RESOLVED):
            return clock.finish()
    if rng.random() < 0.65:
        for _ in range(1 + (rng.random() < 0.2)):  # sometimes a second thought: it wins
            moment = _after(rng, moment, 8)
            if moment >= NOW:
                break
            comment = rng.choice([None, None, f"comment on {number} at {moment:%H:%M}"])
            clock.rate(moment, rng.randint(1, 5), comment)
    elif rng.random() < 0.7:
        clock.move(_after(rng, moment, 72), S.CLOSED)
    return clock.finish()


def _question(rng: random.Random) -> GenQuestion:
    outcome = rng.choice(list(SuggestionOutcome))
    shown = (
        []
        if outcome == SuggestionOutcome.NONE_FOUND
        else rng.sample([a for a, _ in ARTICLES], rng.randint(1, 3))
    )
    helped = rng.choice(shown) if outcome == SuggestionOutcome.HELPED else None
    return GenQuestion(_moment(rng), rng.choice(CHANNELS), outcome, shown, helped)


class Replay:
    """Moves a generated ticket along and keeps its SLA clock as services and sweeps would."""

    def __init__(self, ticket: GenTicket) -> None:
        self.ticket = ticket
        self.policy: SlaPolicy = next(p for p in DEFAULT_POLICIES if p.priority == ticket.priority)
        self.calendar = ticket.calendar()

    @property
    def rating_score(self) -> int | None:  # TicketFacts for reconcile
        return self.ticket.rating_score

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ticket, name)

    def at(self, moment: datetime) -> None:
        """A sweep at ``moment`` fires what is due, then the change is reconciled."""
        self.ticket.sla, _ = take_due(self.ticket.sla, moment)
        self.ticket.sla = reconcile(
            self.ticket.sla,
            self,  # type: ignore[arg-type]
            policy=self.policy,
            calendar=self.calendar,
            automation=Automation(),
            now=moment,
        )

    def respond(self, moment: datetime) -> None:
        self.ticket.first_response_at = moment
        self.ticket.status = S.IN_PROGRESS
        self.ticket.statuses.append((moment, S.IN_PROGRESS))
        self.at(moment)

    def move(self, moment: datetime, status: TicketStatus, *, reopen: bool = False) -> bool:
        """False (and nothing happens) when ``moment`` is past the generator's now."""
        if moment >= NOW:
            return False
        ticket = self.ticket
        self.ticket.sla, _ = take_due(ticket.sla, moment)
        if status == S.RESOLVED:
            ticket.resolved_at = moment
            if ticket.first_response_at is None:
                ticket.first_response_at = moment
        elif status == S.CLOSED:
            ticket.closed_at = moment
        else:
            ticket.resolved_at = ticket.closed_at = None
        ticket.status = status
        ticket.statuses.append((moment, status))
        if reopen:  # the requester wrote back
            ticket.messages.append(GenMessage(moment, MessageKind.PUBLIC, False))
        self.at(moment)
        return True

    def rate(self, moment: datetime, score: int, comment: str | None) -> None:
        ticket = self.ticket
        ticket.ratings.append((moment, score, comment))
        ticket.rating_score, ticket.rated_at = score, moment
        if ticket.status == S.RESOLVED:
            self.move(moment, S.CLOSED)

    def finish(self) -> GenTicket:
        self.at(NOW)
        return self.ticket


def reopened(ticket: GenTicket) -> bool:
    """Whether it was reopened: a resolution followed by work again."""
    previous = None
    for _, status in ticket.statuses:
        if previous == S.RESOLVED and status == S.IN_PROGRESS:
            return True
        previous = status
    return False


async def store(db: Database, history: History) -> None:
    """Write the history into the database (the rows the services would have written)."""
    async with db.uow() as uow:
        session = uow.session
        await uow.sla.save_calendar(desk_calendar())
        infra = await uow.sla.save_calendar(infra_calendar())
        rows = await session.execute(
            insert(t.groups).returning(t.groups.c.id, t.groups.c.name),
            [
                _group("desk", None),
                _group("infra", infra.id),
            ],
        )
        groups = {name: group_id for group_id, name in rows.all()}
        people: dict[str, int] = {}
        for name, role in [(a, Role.AGENT) for a in AGENTS] + [("Requester", Role.REQUESTER)]:
            result = await session.execute(
                insert(t.people).returning(t.people.c.id),
                {"display_name": name, "role": role, "language": "en", "is_active": True},
            )
            people[name] = result.scalar_one()
        categories: dict[str, int] = {}
        for position, (slug, name) in enumerate(CATEGORIES):
            result = await session.execute(
                insert(t.categories).returning(t.categories.c.id),
                {
                    "slug": slug,
                    "name": name,
                    "default_type": TicketType.INCIDENT,
                    "labels": {},
                    "sort_order": position,
                    "is_active": True,
                },
            )
            categories[slug] = result.scalar_one()
        for ticket in history.tickets:
            await _store_ticket(session, ticket, groups, people, categories)
        for article, title in ARTICLES:
            await session.execute(insert(t.kb_articles), [_article(article, title)])
        if history.questions:
            await session.execute(
                insert(t.kb_suggestion_events),
                [
                    {
                        "question": "how do I",
                        "channel": q.channel,
                        "article_ids": q.article_ids,
                        "scores": [0.9] * len(q.article_ids),
                        "outcome": q.outcome,
                        "helped_article_id": q.helped,
                        "created_at": q.created_at,
                    }
                    for q in history.questions
                ],
            )
        if history.unanswered:
            await session.execute(
                insert(t.kb_unanswered),
                [
                    {
                        "id": u.id,
                        "normalized": u.sample,
                        "sample": u.sample,
                        "reason": u.reason,
                        "count": u.count,
                        "first_seen": u.last_seen,
                        "last_seen": u.last_seen,
                        "resolved": u.resolved,
                    }
                    for u in history.unanswered
                ],
            )
        # Rows written behind the services' back get their summary rows as the migration
        # gives them to existing tickets.
        await session.run_sync(lambda sync: backfill(sync.connection()))
        await uow.commit()


def _group(name: str, calendar_id: int | None) -> dict[str, Any]:
    return {"name": name, "line": SupportLine.FIRST, "description": "", "calendar_id": calendar_id}


def _article(article: str, title: str) -> dict[str, Any]:
    return {
        "id": article,
        "title": title,
        "body": "",
        "language": "en",
        "category": "",
        "tags": [],
        "phrasings": [],
        "status": ArticleStatus.PUBLISHED,
        "suggested_count": 0,
        "opened_count": 0,
        "helped_count": 0,
        "not_helped_count": 0,
    }


async def _store_ticket(
    session: Any,
    ticket: GenTicket,
    groups: dict[str, int],
    people: dict[str, int],
    categories: dict[str, int],
) -> None:
    clock = ticket.sla
    last_rating = ticket.ratings[-1] if ticket.ratings else None
    result = await session.execute(
        insert(t.tickets).returning(t.tickets.c.id),
        {
            "number": ticket.number,
            "title": ticket.title,
            "description": "",
            "requester_id": people["Requester"],
            "type": ticket.type,
            "category_id": categories[ticket.category] if ticket.category else None,
            "priority": ticket.priority,
            "status": ticket.status,
            "assignee_id": people[ticket.agent] if ticket.agent else None,
            "group_id": groups[ticket.group],
            "line": SupportLine.FIRST,
            "origin_channel": ticket.channel,
            "rating_score": ticket.rating_score,
            "rating_comment": next((c for _, _, c in reversed(ticket.ratings) if c), None),
            "rated_at": last_rating[0] if last_rating else None,
            "created_at": ticket.created_at,
            "updated_at": ticket.created_at,
            "first_response_at": ticket.first_response_at,
            "resolved_at": ticket.resolved_at,
            "closed_at": ticket.closed_at,
            "sla_policy_id": None,
            "response_due_at": clock.response_due_at,
            "response_warn_at": clock.response_warn_at,
            "response_state": clock.response_state,
            "resolution_due_at": clock.resolution_due_at,
            "resolution_warn_at": clock.resolution_warn_at,
            "resolution_state": clock.resolution_state,
            "sla_paused_seconds": clock.paused_seconds,
            "sla_paused_since": clock.paused_since,
            "sla_seen_status": clock.seen_status,
        },
    )
    ticket_id = result.scalar_one()
    agent = people[ticket.agent] if ticket.agent else people["Alice"]
    for message in ticket.messages:
        await session.execute(
            insert(t.ticket_messages),
            {
                "ticket_id": ticket_id,
                "author_id": agent if message.by_agent else people["Requester"],
                "kind": message.kind,
                "body": "…",
                "channel": ticket.channel,
                "created_at": message.at,
            },
        )
    previous = S.NEW
    for moment, status in ticket.statuses:
        action = "reopened" if previous == S.RESOLVED and status != S.CLOSED else "status_changed"
        await session.execute(
            insert(t.audit_entries),
            {
                "ticket_id": ticket_id,
                "action": action,
                "channel": ticket.channel,
                "field": "status",
                "old_value": previous.value,
                "new_value": status.value,
                "details": {},
                "created_at": moment,
            },
        )
        previous = status
