"""Loading what a report is computed from (:class:`core.reports.facts.ReportData`), with the
query's filters applied in SQL, and running a report by name.

Filter values are names as people know them (a group's name, a category's slug or name, an
agent's name, a channel) or ids; one that matches nothing is refused with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.sql import Select

from core.domain.enums import Role, TicketStatus
from core.domain.knowledge import SuggestionOutcome
from core.errors import InvalidInput
from core.reports import catalog
from core.reports.facts import (
    ALL_NEEDS,
    NONE_LABEL,
    Needs,
    RatingComment,
    ReportData,
    TicketFact,
    UnansweredFact,
)
from core.reports.load import AGE_BUCKETS
from core.reports.quality import LATEST_COMMENTS
from core.reports.query import ReportQuery
from core.reports.speed import BREACHED_LISTED
from core.reports.tables import Report
from storage import tables as t
from storage.report_counts import (
    counts_by,
    counts_per_key,
    local_counts,
    local_day_counts,
    names_of,
)
from storage.report_speeds import agent_figures, speeds

if TYPE_CHECKING:
    from storage.unit_of_work import SqlUnitOfWork

T = t.tickets
R = t.report_tickets  # what the reports read: storage.report_tickets keeps it in step
_ACTIVE = [s.value for s in TicketStatus if s.is_active]
PANEL_CHANNELS = ("admin", "api")  # tickets opened in the panel or through the REST API


@dataclass(frozen=True, slots=True)
class Choices:
    """The values each filter accepts, for the panel's form."""

    groups: list[str]
    categories: list[tuple[str, str]]  # slug, name
    agents: list[str]
    channels: list[str]


class SqlReportRepository:
    """:class:`core.ports.ReportRepository` over the unit of work's session."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def facts(self, query: ReportQuery, needs: frozenset[Needs] = ALL_NEEDS) -> ReportData:
        return await load_data(self._uow, query, needs)


async def run_report(uow: SqlUnitOfWork, name: str, query: ReportQuery) -> Report:
    return catalog.build(name, await load_data(uow, query, catalog.needs(name)))


async def filter_choices(uow: SqlUnitOfWork) -> Choices:
    session = uow.session
    groups = (await session.execute(select(t.groups.c.name).order_by(t.groups.c.name))).scalars()
    categories = await session.execute(
        select(t.categories.c.slug, t.categories.c.name).order_by(t.categories.c.name)
    )
    agents = await session.execute(
        select(t.people.c.display_name)
        .where(t.people.c.role >= Role.AGENT)
        .order_by(t.people.c.display_name)
    )
    return Choices(
        groups=list(groups),
        categories=[(slug, label) for slug, label in categories.all()],
        agents=sorted(set(agents.scalars())),
        channels=await _channels(uow),
    )


async def load_data(
    uow: SqlUnitOfWork, query: ReportQuery, needs: frozenset[Needs] = ALL_NEEDS
) -> ReportData:
    postgres = uow.session.get_bind().dialect.name == "postgresql"
    if postgres:
        # PostgreSQL compiles big aggregates with LLVM first; for these queries that costs
        # more (1–2 s each, measured with EXPLAIN ANALYZE) than running them. A year's counts
        # per quarter hour hash ~900,000 rows (EXPLAIN: 28 MB): at the default 4 MB of work
        # memory they would spill to disk. This transaction only reads, so both settings end
        # with it (``set_config(..., true)`` is ``SET LOCAL``: one round trip for both).
        await uow.session.execute(
            text("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        )
    conditions = await _filter_conditions(uow, query)
    data = ReportData(query=query, now=uow.clock.now())
    if Needs.SPEED in needs:
        data.speeds = await speeds(uow.session, query, conditions)
    if Needs.AGENTS in needs:
        data.agents = await agent_figures(uow.session, query, conditions)
    if Needs.COUNTS in needs:
        await _backlog(uow, query, conditions, data)
        await _counts(uow, query, conditions, data)
    if Needs.HOURLY in needs:
        hours = await local_counts(uow.session, R, R.c.created_at, query, "hour", conditions)
        data.counts.created_hourly = {hour: n for (hour,), n in hours.items()}
    if Needs.SLA in needs:
        await _sla(uow, query, conditions, data)
    if Needs.RATINGS in needs:
        await _ratings(uow, query, conditions, data)
    if Needs.OPEN_NOW in needs:
        await _open_now(uow, conditions, data)
    if Needs.SELF_HELP in needs:
        await _self_help(uow, query, data)
    return data


async def _backlog(
    uow: SqlUnitOfWork, query: ReportQuery, conditions: list[ColumnElement[bool]], data: ReportData
) -> None:
    """Created before the range and not done (resolved, else closed) before it. Spelled out so
    PostgreSQL can pick per range: for a year the few tickets created before it (index on
    created_at); for a month the never-done ones (partial index ix_report_tickets_not_done)
    and those resolved or closed since (their indexes) — rather than every earlier ticket."""
    start = query.start
    unresolved = R.c.resolved_at.is_(None)
    not_done_before = or_(
        and_(unresolved, R.c.closed_at.is_(None)),
        R.c.resolved_at >= start,
        and_(unresolved, R.c.closed_at >= start),
    )
    data.backlog_at_start = (
        await uow.session.execute(
            select(func.count())
            .select_from(R)
            .where(R.c.created_at < start, not_done_before, *conditions)
        )
    ).scalar_one()


async def _counts(
    uow: SqlUnitOfWork, query: ReportQuery, conditions: list[ColumnElement[bool]], data: ReportData
) -> None:
    """Tickets created, resolved, closed and done per local day, and created per label: a few
    hundred rows a year, however many tickets there are."""
    start, end = query.start, query.end
    counts = data.counts
    per_day = await local_day_counts(
        uow.session, R, [R.c.created_at, R.c.resolved_at], query, conditions
    )
    counts.created, counts.resolved = per_day
    # Done (left the backlog) is resolved, else closed: the resolved ones plus those closed
    # without a resolution — counted with the closed ones instead of in a read of its own.
    closed = await local_counts(
        uow.session, R, R.c.closed_at, query, "day", conditions, also_by=[R.c.resolved_at.is_(None)]
    )
    counts.closed, counts.done = {}, dict(counts.resolved)
    for (day, unresolved), n in closed.items():
        counts.closed[day.date()] = counts.closed.get(day.date(), 0) + n
        if unresolved:
            counts.done[day.date()] = counts.done.get(day.date(), 0) + n
    created = (R.c.created_at >= start, R.c.created_at < end, *conditions)
    # Counted by id in one read of the summary rows (no join per row), then named.
    keys = {
        "category": R.c.category_id,
        "group": R.c.group_id,
        "channel": R.c.origin_channel,
        "type": R.c.type,
    }
    per_key = await counts_per_key(uow.session, R, list(keys.values()), created)
    names = {
        "category": await names_of(uow.session, t.categories),
        "group": await names_of(uow.session, t.groups),
    }
    for name, found in zip(keys, per_key, strict=True):
        named: dict[str, int] = {}
        for value, n in found.items():
            label = names[name].get(value) if name in names else value
            key = str(label) if label is not None else NONE_LABEL
            named[key] = named.get(key, 0) + n
        counts.created_by[name] = named


def _named(names: dict[Any, str], value: Any) -> str:
    return names.get(value, NONE_LABEL) if value is not None else NONE_LABEL


async def _sla(
    uow: SqlUnitOfWork, query: ReportQuery, conditions: list[ColumnElement[bool]], data: ReportData
) -> None:
    created = (R.c.created_at >= query.start, R.c.created_at < query.end, *conditions)
    # One count per (group, category, both states) — a few thousand at most — added up here
    # over all, per group and per category (three reads of a year's rows took three times as
    # long).
    counted = await counts_by(
        uow.session,
        R,
        [R.c.group_id, R.c.category_id, R.c.response_state, R.c.resolution_state],
        created,
    )
    groups, categories = (
        await names_of(uow.session, t.groups),
        await names_of(uow.session, t.categories),
    )
    states: dict[str, dict[str, dict[tuple[Any, Any], int]]] = {
        "all": {"": {}},
        "group": {},
        "category": {},
    }
    for (group, category, response, resolution), n in counted.items():
        pair = (response, resolution)
        for name, label in (
            ("all", ""),
            ("group", _named(groups, group)),
            ("category", _named(categories, category)),
        ):
            found = states[name].setdefault(label, {})
            found[pair] = found.get(pair, 0) + n
    data.sla.states.update(states)
    breached = or_(R.c.response_state == "breached", R.c.resolution_state == "breached")
    rows = await uow.session.execute(
        _ticket_select()
        .where(breached, *created)
        .order_by(R.c.created_at.desc(), R.c.ticket_id.desc())
        .limit(BREACHED_LISTED)
    )
    data.sla.breached = [_fact(row) for row in rows.mappings()]


async def _ratings(
    uow: SqlUnitOfWork, query: ReportQuery, conditions: list[ColumnElement[bool]], data: ReportData
) -> None:
    start, end = query.start, query.end
    resolved = (R.c.resolved_at >= start, R.c.resolved_at < end, *conditions)
    agent = t.people.c.display_name
    counted = await counts_by(
        uow.session, R, [R.c.assignee_id, R.c.category_id, R.c.rating_score], resolved
    )
    people = await names_of(uow.session, t.people, {person for person, _, _ in counted})
    categories = await names_of(uow.session, t.categories)
    ratings = data.ratings
    for (person, category, score), n in counted.items():
        key = (_named(people, person), _named(categories, category))
        scores = ratings.scores.setdefault(key, {})
        scores[score] = scores.get(score, 0) + n
    reopened = _reopened()
    once = await uow.session.execute(
        select(func.count(), func.count().filter(reopened)).where(
            R.c.created_at >= start,
            R.c.created_at < end,
            or_(R.c.resolved_at.is_not(None), reopened),
            *conditions,
        )
    )
    ratings.resolved_once, ratings.reopened = (int(n) for n in once.one())
    comments = await uow.session.execute(
        select(T.c.number, R.c.rating_score, agent, T.c.rating_comment, T.c.rated_at)
        .select_from(R)
        .join(T, T.c.id == R.c.ticket_id)
        .outerjoin(t.people, t.people.c.id == R.c.assignee_id)
        .where(
            *resolved,
            # A literal, not a parameter, so PostgreSQL can match the partial index
            # ix_tickets_commented_rated_at (newest first: it stops after the few shown).
            T.c.rating_comment != literal_column("''"),
            T.c.rated_at.is_not(None),
        )
        .order_by(T.c.rated_at.desc(), T.c.number.desc())
        .limit(LATEST_COMMENTS)
    )
    ratings.comments = [
        RatingComment(number, score, name or NONE_LABEL, comment, rated)
        for number, score, name, comment, rated in comments.all()
    ]


async def _open_now(
    uow: SqlUnitOfWork, conditions: list[ColumnElement[bool]], data: ReportData
) -> None:
    """Counted in the database: the tickets open now, created within each age limit, and per
    agent."""
    active = (R.c.status.in_(_ACTIVE), *conditions)
    now = data.now
    counts = await uow.session.execute(
        select(
            func.count(),
            *(func.count().filter(R.c.created_at > now - limit) for _, limit in AGE_BUCKETS),
        ).where(*active)
    )
    total, *younger = counts.one()
    data.open_now.total = int(total)
    data.open_now.younger_than = {
        limit: int(n) for (_, limit), n in zip(AGE_BUCKETS, younger, strict=True)
    }
    agent = t.people.c.display_name
    per_agent = await uow.session.execute(
        select(agent, func.count())
        .select_from(R)
        .join(t.people, t.people.c.id == R.c.assignee_id)
        .where(*active)
        .group_by(agent)
    )
    data.open_now.by_agent = {name: int(n) for name, n in per_agent.all()}


def _reopened() -> ColumnElement[bool]:
    """Whether the ticket was ever reopened. ``IN`` rather than ``EXISTS``: PostgreSQL hashes
    the reopened tickets once (from the partial index ix_audit_entries_reopened) instead of
    probing the index for each of a year's tickets. A literal, not a parameter: the planner
    matches the partial index only when it can see the value."""
    return R.c.ticket_id.in_(
        select(t.audit_entries.c.ticket_id).where(
            t.audit_entries.c.action == literal_column("'reopened'")
        )
    )


def _ticket_select() -> Select[Any]:
    return (
        select(
            T.c.number,
            T.c.title,
            T.c.status,
            T.c.type,
            T.c.priority,
            T.c.origin_channel,
            T.c.group_id,
            t.categories.c.name.label("category"),
            t.groups.c.name.label("group"),
            t.people.c.display_name.label("agent"),
            T.c.created_at,
            T.c.first_response_at,
            T.c.resolved_at,
            T.c.closed_at,
            T.c.rating_score,
            T.c.rating_comment,
            T.c.rated_at,
            T.c.response_state,
            T.c.resolution_state,
        )
        .join(R, R.c.ticket_id == T.c.id)
        .outerjoin(t.categories, t.categories.c.id == T.c.category_id)
        .outerjoin(t.groups, t.groups.c.id == T.c.group_id)
        .outerjoin(t.people, t.people.c.id == T.c.assignee_id)
    )


def _fact(row: Any) -> TicketFact:
    return TicketFact(
        number=row["number"],
        title=row["title"],
        status=row["status"],
        type=row["type"],
        priority=row["priority"],
        channel=row["origin_channel"],
        category=row["category"] or NONE_LABEL,
        group=row["group"] or NONE_LABEL,
        agent=row["agent"] or NONE_LABEL,
        created_at=row["created_at"],
        first_response_at=row["first_response_at"],
        resolved_at=row["resolved_at"],
        closed_at=row["closed_at"],
        rating=row["rating_score"],
        rating_comment=row["rating_comment"],
        rated_at=row["rated_at"],
        response_state=row["response_state"],
        resolution_state=row["resolution_state"],
    )


async def _self_help(uow: SqlUnitOfWork, query: ReportQuery, data: ReportData) -> None:
    events = t.kb_suggestion_events
    inside: list[ColumnElement[bool]] = [
        events.c.created_at >= query.start,
        events.c.created_at < query.end,
    ]
    if query.filters.channel:
        inside.append(events.c.channel == query.filters.channel)
    counted = data.self_help
    per_day = await local_counts(
        uow.session,
        events,
        events.c.created_at,
        query,
        "day",
        inside[2:],
        also_by=[events.c.outcome],
    )
    for (day, outcome), n in per_day.items():
        counted.per_day.setdefault(day.date(), {})[SuggestionOutcome(outcome)] = n
    postgres = uow.session.get_bind().dialect.name == "postgresql"
    elements = (func.json_array_elements_text if postgres else func.json_each)(
        events.c.article_ids
    ).table_valued("value")
    shown = await uow.session.execute(
        select(elements.c.value, func.count(events.c.id.distinct()))
        .select_from(events)
        .join(elements, true())
        .where(*inside)
        .group_by(elements.c.value)
    )
    counted.shown = {str(article): int(n) for article, n in shown.all()}
    helped = await uow.session.execute(
        select(events.c.helped_article_id, func.count())
        .where(
            *inside,
            events.c.outcome == SuggestionOutcome.HELPED,
            events.c.helped_article_id.is_not(None),
            events.c.helped_article_id != "",
        )
        .group_by(events.c.helped_article_id)
    )
    counted.helped = {str(article): int(n) for article, n in helped.all()}
    ids = counted.shown.keys() | counted.helped.keys()
    if ids:
        titles = await uow.session.execute(
            select(t.kb_articles.c.id, t.kb_articles.c.title).where(t.kb_articles.c.id.in_(ids))
        )
        data.article_titles = {article: title for article, title in titles.all()}
    log = t.kb_unanswered
    unanswered = await uow.session.execute(
        select(log.c.id, log.c.sample, log.c.reason, log.c.count, log.c.last_seen).where(
            log.c.resolved.is_(False), log.c.last_seen >= query.start, log.c.last_seen < query.end
        )
    )
    data.unanswered = [UnansweredFact(*row) for row in unanswered.all()]


async def _filter_conditions(uow: SqlUnitOfWork, query: ReportQuery) -> list[ColumnElement[bool]]:
    chosen = query.filters
    conditions: list[ColumnElement[bool]] = []
    if chosen.group:
        conditions.append(R.c.group_id == await _one(uow, t.groups, chosen.group, "group"))
    if chosen.category:
        conditions.append(
            R.c.category_id == await _one(uow, t.categories, chosen.category, "category")
        )
    if chosen.agent:
        conditions.append(R.c.assignee_id == await _one(uow, t.people, chosen.agent, "agent"))
    if chosen.channel:
        if chosen.channel not in await _channels(uow):
            raise InvalidInput("Unknown channel '{value}'.", value=chosen.channel)
        conditions.append(R.c.origin_channel == chosen.channel)
    if chosen.type:
        conditions.append(R.c.type == chosen.type)
    if chosen.priority:
        conditions.append(R.c.priority == chosen.priority)
    return conditions


async def _one(uow: SqlUnitOfWork, table: Table, value: str, what: str) -> int:
    """The id of the row ``value`` names: its id, name (or slug), or display name."""
    columns = {"group": ("name",), "category": ("slug", "name"), "agent": ("display_name",)}[what]
    matches = [table.c[column] == value for column in columns]
    if value.isdigit():
        matches.append(table.c.id == int(value))
    statement = select(table.c.id).where(or_(*matches))
    if what == "agent":
        statement = statement.where(t.people.c.role >= Role.AGENT)
    found = list((await uow.session.execute(statement.limit(2))).scalars())
    if not found:
        raise InvalidInput("Unknown {what} '{value}'.", what=what, value=value)
    if len(found) > 1:
        raise InvalidInput(
            "More than one {what} is called '{value}'; use its number instead.",
            what=what,
            value=value,
        )
    return int(found[0])


async def _channels(uow: SqlUnitOfWork) -> list[str]:
    used = await uow.session.execute(select(R.c.origin_channel).distinct())
    known = await uow.session.execute(select(t.identities.c.channel).distinct())
    return sorted({*used.scalars(), *known.scalars(), *PANEL_CHANNELS})
