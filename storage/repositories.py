"""SQLAlchemy implementations of the core's repository ports."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from core.domain.conversation import Conversation, Draft, Step
from core.domain.entities import (
    AuditEntry,
    Category,
    Group,
    GroupMember,
    Identity,
    LinkCode,
    OutboxMessage,
    Person,
    StoredFile,
    Ticket,
    TicketAttachment,
    TicketLink,
    TicketMessage,
)
from core.domain.enums import MessageKind, OutboxState, Role, TicketStatus
from core.domain.knowledge import (
    Article,
    ArticleStatus,
    CandidateStatus,
    ConfirmationSource,
    PhrasingCandidate,
    SuggestionEvent,
    UnansweredQuestion,
)
from core.domain.sla import SlaState
from core.ports import AgentRoom
from kb.semantic import StoredVector
from storage import tables as t
from storage import tallies, ticket_numbers
from storage.person_merge import merge_people

log = logging.getLogger(__name__)


class _Repo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def is_postgres(self) -> bool:
        return self.session.bind.dialect.name == "postgresql"  # type: ignore[union-attr]


class SqlTicketRepository(_Repo):
    async def next_number(self) -> int:
        return await ticket_numbers.next_number(self.session)

    async def get(self, number: int, *, for_update: bool = False) -> Ticket | None:
        query = select(Ticket).where(t.tickets.c.number == number)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_by_id(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def search(
        self,
        *,
        statuses: Sequence[TicketStatus] | None = None,
        requester_id: int | None = None,
        assignee_id: int | None = None,
        unassigned: bool = False,
        by_deadline: bool = False,
        limit: int = 50,
    ) -> list[Ticket]:
        query = select(Ticket)
        if statuses is not None:
            query = query.where(t.tickets.c.status.in_([s.value for s in statuses]))
        if requester_id is not None:
            query = query.where(t.tickets.c.requester_id == requester_id)
        if assignee_id is not None:
            query = query.where(t.tickets.c.assignee_id == assignee_id)
        if unassigned:
            query = query.where(t.tickets.c.assignee_id.is_(None))
        order: list[ColumnElement[Any]] = [t.tickets.c.priority]
        if by_deadline:
            order.append(earliest_running_due().nulls_last())
        query = query.order_by(*order, t.tickets.c.created_at, t.tickets.c.number).limit(limit)
        return list((await self.session.execute(query)).scalars())


def earliest_running_due() -> ColumnElement[Any]:
    """The earlier of the response and resolution due times whose target still runs (ok,
    warning, breached), as core.services.time_left.earliest_due reads it; NULL when none."""
    running = [SlaState.OK.value, SlaState.WARNING.value, SlaState.BREACHED.value]
    c = t.tickets.c
    response = case((c.response_state.in_(running), c.response_due_at))
    resolution = case((c.resolution_state.in_(running), c.resolution_due_at))
    return case(
        (response.is_(None), resolution),
        (resolution.is_(None), response),
        (response <= resolution, response),
        else_=resolution,
    )


@functools.cache
def _person_by_identity() -> Any:
    """Built at first use: the entities are mapped at run time (:func:`t.map_entities`)."""
    return (
        select(Person)
        .join(t.identities, t.identities.c.person_id == t.people.c.id)
        .where(
            t.identities.c.channel == bindparam("channel"),
            t.identities.c.external_id == bindparam("external_id"),
        )
    )


def _held(session: AsyncSession, entity: type[Any], ids: Collection[int]) -> dict[int, Any]:
    """The entities of ``ids`` this session holds fully loaded already (none expired by a
    rollback), so reading them again is not needed."""
    held = {}
    for id_ in ids:
        found = session.identity_map.get(identity_key(entity, id_))
        if found is not None and not inspect(found).unloaded:
            held[id_] = found
    return held


class SqlPeopleRepository(_Repo):
    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def by_identity(self, channel: str, external_id: str) -> Person | None:
        found = await self.session.execute(
            _person_by_identity(), {"channel": channel, "external_id": external_id}
        )
        return found.scalar_one_or_none()

    async def identities(self, person_id: int) -> list[Identity]:
        query = (
            select(Identity)
            .where(t.identities.c.person_id == person_id)
            .order_by(t.identities.c.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def get_many(self, person_ids: Collection[int]) -> dict[int, Person]:
        held = _held(self.session, Person, person_ids)  # a ticket's requester, say
        missing = [person_id for person_id in person_ids if person_id not in held]
        if not missing:
            return held
        query = select(Person).where(t.people.c.id.in_(missing))
        found = {p.id: p for p in (await self.session.execute(query)).scalars() if p.id}
        return held | found

    async def identities_of(self, person_ids: Collection[int]) -> dict[int, list[Identity]]:
        if not person_ids:
            return {}
        query = (
            select(Identity)
            .where(t.identities.c.person_id.in_(list(person_ids)))
            .order_by(t.identities.c.id)
        )
        found: dict[int, list[Identity]] = defaultdict(list)
        for identity in (await self.session.execute(query)).scalars():
            found[identity.person_id].append(identity)
        return dict(found)

    async def find(self, reference: str) -> Person | None:
        ref = reference.strip()
        if not ref:
            return None
        if ref.isdigit():
            found = await self.get(int(ref))
            if found:
                return found
        username = ref.removeprefix("@").lower()
        query = (
            select(Person)
            .outerjoin(t.identities, t.identities.c.person_id == t.people.c.id)
            .where(
                or_(
                    func.lower(t.identities.c.username) == username,
                    func.lower(t.people.c.email) == ref.lower(),
                    func.lower(t.people.c.display_name) == ref.lower(),
                )
            )
            .order_by(t.people.c.role.desc(), t.people.c.id)
            .limit(1)
        )
        return (await self.session.execute(query)).scalars().first()

    async def with_role(self, role: Role) -> list[Person]:
        query = (
            select(Person)
            .where(t.people.c.role >= int(role), t.people.c.is_active.is_(True))
            .order_by(t.people.c.display_name)
        )
        return list((await self.session.execute(query)).scalars())

    async def with_email(self, email: str) -> list[Person]:
        query = (
            select(Person)
            .where(func.lower(t.people.c.email) == email.strip().lower())
            .order_by(t.people.c.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def merge(self, *, keep_id: int, drop_id: int) -> list[int]:
        return await merge_people(self.session, keep_id=keep_id, drop_id=drop_id)

    async def link_code(self, code_hash: str) -> LinkCode | None:
        query = select(LinkCode).where(t.link_codes.c.code_hash == code_hash).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def forget_link_codes(
        self, *, channel: str, external_id: str, expired_by: datetime
    ) -> None:
        await self.session.execute(
            delete(t.link_codes).where(
                or_(
                    and_(
                        t.link_codes.c.channel == channel,
                        t.link_codes.c.external_id == external_id,
                        t.link_codes.c.used_at.is_(None),
                    ),
                    t.link_codes.c.expires_at < expired_by,
                )
            )
        )

    async def link_failures(self, person_id: int, *, since: datetime) -> list[datetime]:
        column = t.link_code_failures.c
        query = (
            select(column.failed_at)
            .where(column.person_id == person_id, column.failed_at > since)
            .order_by(column.failed_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def note_link_failure(
        self, person_id: int, *, at: datetime, forget_before: datetime
    ) -> None:
        column = t.link_code_failures.c
        await self.session.execute(
            delete(t.link_code_failures).where(
                column.person_id == person_id, column.failed_at < forget_before
            )
        )
        await self.session.execute(
            insert(t.link_code_failures).values(person_id=person_id, failed_at=at)
        )


class SqlCatalogRepository(_Repo):
    async def category(self, slug: str) -> Category | None:
        return (
            await self.session.execute(select(Category).where(t.categories.c.slug == slug))
        ).scalar_one_or_none()

    async def category_by_id(self, category_id: int) -> Category | None:
        return await self.session.get(Category, category_id)

    async def categories(self, *, active_only: bool = True) -> list[Category]:
        query = select(Category).order_by(t.categories.c.sort_order, t.categories.c.name)
        if active_only:
            query = query.where(t.categories.c.is_active.is_(True))
        return list((await self.session.execute(query)).scalars())

    async def group(self, name: str) -> Group | None:
        return (
            await self.session.execute(select(Group).where(t.groups.c.name == name))
        ).scalar_one_or_none()

    async def group_by_id(self, group_id: int, *, for_update: bool = False) -> Group | None:
        if for_update:  # populate_existing: read the locked row, not a copy loaded earlier
            query = select(Group).where(t.groups.c.id == group_id).with_for_update()
            return (
                await self.session.execute(query.execution_options(populate_existing=True))
            ).scalar_one_or_none()
        return await self.session.get(Group, group_id)

    async def groups(self) -> list[Group]:
        return list(
            (
                await self.session.execute(select(Group).order_by(t.groups.c.line, t.groups.c.name))
            ).scalars()
        )

    async def members(self, group_id: int) -> list[GroupMember]:
        query = select(GroupMember).where(t.group_members.c.group_id == group_id)
        return list((await self.session.execute(query)).scalars())

    async def remove_member(self, group_id: int, person_id: int) -> None:
        await self.session.execute(
            delete(t.group_members).where(
                t.group_members.c.group_id == group_id, t.group_members.c.person_id == person_id
            )
        )


class SqlHistoryRepository(_Repo):
    async def messages(
        self, ticket_id: int, *, include_internal: bool = True
    ) -> list[TicketMessage]:
        query = select(TicketMessage).where(t.ticket_messages.c.ticket_id == ticket_id)
        if not include_internal:
            query = query.where(t.ticket_messages.c.kind == MessageKind.PUBLIC.value)
        return list((await self.session.execute(query.order_by(t.ticket_messages.c.id))).scalars())

    async def audit(self, ticket_id: int) -> list[AuditEntry]:
        query = (
            select(AuditEntry)
            .where(t.audit_entries.c.ticket_id == ticket_id)
            .order_by(t.audit_entries.c.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def attachments(self, ticket_id: int) -> list[TicketAttachment]:
        query = select(TicketAttachment).where(t.ticket_attachments.c.ticket_id == ticket_id)
        return list(
            (await self.session.execute(query.order_by(t.ticket_attachments.c.id))).scalars()
        )

    async def attachment_counts(self, ticket_ids: Collection[int]) -> dict[int, int]:
        if not ticket_ids:
            return {}
        column = t.ticket_attachments.c.ticket_id
        query = select(column, func.count()).where(column.in_(list(ticket_ids))).group_by(column)
        return {ticket_id: count for ticket_id, count in await self.session.execute(query)}

    async def links(self, ticket_id: int) -> list[TicketLink]:
        query = (
            select(TicketLink)
            .where(t.ticket_links.c.ticket_id == ticket_id)
            .order_by(t.ticket_links.c.id)
        )
        return list((await self.session.execute(query)).scalars())


class SqlOutboxRepository(_Repo):
    @property
    def claims_stay_locked(self) -> bool:
        return self.is_postgres

    async def claim_due(self, *, now: datetime, limit: int) -> list[OutboxMessage]:
        outbox, older = t.outbox, t.outbox.alias("older")
        pending = OutboxState.PENDING.value
        waits_behind = (
            select(older.c.id)
            .where(
                older.c.channel == outbox.c.channel,
                older.c.recipient == outbox.c.recipient,
                older.c.state == pending,
                older.c.id < outbox.c.id,
                older.c.next_attempt_at > now,
            )
            .exists()
        )
        # On SQLite, "+ 0" keeps the planner from walking the whole table in id order (which it
        # prefers once ANALYZE has seen that state has two values) instead of ix_outbox_due:
        # with years of sent rows that walk reads them all (bench/telegram_throughput.py
        # --history --explain). The order is the same.
        in_order = outbox.c.id if self.is_postgres else outbox.c.id + 0
        query = (
            select(OutboxMessage)
            .where(outbox.c.state == pending, outbox.c.next_attempt_at <= now, ~waits_behind)
            .order_by(in_order)
            .limit(limit)
        )
        if not self.is_postgres:
            # SQLite runs one writing transaction at a time (BEGIN IMMEDIATE), and the claimer
            # commits the leases before anyone else reads: the query above is the whole rule.
            return list((await self.session.execute(query)).scalars())
        # Several instances may sweep at once; each takes rows nobody else holds.
        claimed = list(
            (await self.session.execute(query.with_for_update(skip_locked=True))).scalars()
        )
        return await self._unbroken_runs(claimed) if claimed else claimed

    async def _unbroken_runs(self, claimed: list[OutboxMessage]) -> list[OutboxMessage]:
        """Keep, per recipient, only the claimed rows that start at its oldest pending row and
        follow it with no gap. A gap is a row another worker has locked but not yet leased (its
        claim is in flight, so it still looks due to us): it must go first."""
        outbox = t.outbox
        recipients = {(m.channel, m.recipient) for m in claimed}
        query = (
            select(outbox.c.channel, outbox.c.recipient, outbox.c.id)
            .where(
                outbox.c.state == OutboxState.PENDING.value,
                tuple_(outbox.c.channel, outbox.c.recipient).in_(list(recipients)),
                outbox.c.id <= max(m.id for m in claimed if m.id is not None),
            )
            .order_by(outbox.c.id)
        )
        queued: dict[tuple[str, str], list[int]] = defaultdict(list)
        for channel, recipient, message_id in await self.session.execute(query):
            queued[(channel, recipient)].append(message_id)
        mine = {m.id for m in claimed}
        keep: set[int] = set()
        for ids in queued.values():
            for message_id in ids:
                if message_id not in mine:
                    break
                keep.add(message_id)
        return [m for m in claimed if m.id in keep]

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def renew_leases(self, message_ids: Collection[int], *, until: datetime) -> None:
        await self.session.execute(
            update(t.outbox)
            .where(
                t.outbox.c.id.in_(list(message_ids)),
                t.outbox.c.state == OutboxState.PENDING.value,
            )
            .values(next_attempt_at=until)
        )

    async def last_refs(self, edit_keys: Collection[str]) -> dict[str, tuple[int, str]]:
        newest = (
            select(func.max(t.outbox.c.id))
            .where(t.outbox.c.edit_key.in_(list(edit_keys)), t.outbox.c.platform_ref.is_not(None))
            .group_by(t.outbox.c.edit_key)
        )
        query = select(t.outbox.c.edit_key, t.outbox.c.id, t.outbox.c.platform_ref).where(
            t.outbox.c.id.in_(newest)
        )
        return {key: (id_, ref) for key, id_, ref in await self.session.execute(query)}

    async def mark_sent(self, sent: Sequence[tuple[int, str]], *, at: datetime) -> None:
        statement = (
            update(t.outbox)
            .where(t.outbox.c.id == bindparam("sent_id"))
            .values(
                state=OutboxState.SENT.value,
                platform_ref=bindparam("sent_ref"),
                sent_at=at,
                last_error=None,
            )
        )
        rows = [{"sent_id": id_, "sent_ref": ref} for id_, ref in sent]
        await self.session.execute(statement, rows)

    async def ticket_for_ref(self, channel: str, recipient: str, platform_ref: str) -> int | None:
        query = (
            select(t.outbox.c.ticket_id)
            .where(
                t.outbox.c.channel == channel,
                t.outbox.c.recipient == recipient,
                t.outbox.c.platform_ref == platform_ref,
                t.outbox.c.ticket_id.is_not(None),
            )
            .order_by(t.outbox.c.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()


class SqlInboundEventRepository(_Repo):
    async def first_time(self, channel: str, key: str, *, now: datetime) -> bool:
        result = await self.session.execute(
            _first_time(self.is_postgres),
            {"channel": channel, "event_key": key[:200], "processed_at": now},
        )
        return result.first() is not None


@functools.cache
def _first_time(postgres: bool) -> Any:
    return _upsert_ignore(postgres, t.processed_events, _bound(t.processed_events)).returning(
        t.processed_events.c.event_key
    )


def _insert(postgres: bool, table: Any, values: dict[str, Any]) -> Any:
    """An INSERT in the dialect at hand, so ON CONFLICT clauses can follow (both have them)."""
    return (pg_insert if postgres else sqlite_insert)(table).values(**values)


def _upsert_ignore(postgres: bool, table: Any, values: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING."""
    return _insert(postgres, table, values).on_conflict_do_nothing()


def _bound(table: Any) -> dict[str, Any]:
    """Every column of ``table`` as a parameter of its own name and type: the values of a
    statement built once and run with a dict of values. Building a statement costs more than
    running it (about 90 against 75 us of CPU for a one-row SELECT through the session), so
    the statements run on every update are built once, here in this module."""
    return {column.name: bindparam(column.name, type_=column.type) for column in table.c}


class SqlArticleRepository(_Repo):
    async def get(self, article_id: str) -> Article | None:
        return await self.session.get(Article, article_id)

    async def all(self, *, status: ArticleStatus | None = None) -> list[Article]:
        query = select(Article).order_by(t.kb_articles.c.id)
        if status is not None:
            query = query.where(t.kb_articles.c.status == status.value)
        return list((await self.session.execute(query)).scalars())

    async def changed_since(self, moment: datetime) -> list[Article]:
        query = (
            select(Article)
            .where(t.kb_articles.c.updated_at >= moment)
            .order_by(t.kb_articles.c.updated_at, t.kb_articles.c.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def bump(self, article_ids: Sequence[str], counter: str) -> None:
        await tallies.count_uses(self.session, article_ids, counter)

    async def fold_uses(self) -> None:
        await tallies.fold_uses(self.session)

    async def vectors(self, *, model: str) -> dict[str, StoredVector]:
        table = t.kb_article_vectors
        rows = await self.session.execute(
            select(table.c.version_key, table.c.data, table.c.scale).where(table.c.model == model)
        )
        return {key: StoredVector(bytes(data), float(scale)) for key, data, scale in rows.all()}

    async def keep_vectors(
        self, *, model: str, vectors: Mapping[str, tuple[str, StoredVector]], at: datetime
    ) -> None:
        if not vectors:
            return
        table = t.kb_article_vectors
        ids = list(vectors)
        for start in range(0, len(ids), 500):  # bounded IN lists and statement sizes
            chunk = ids[start : start + 500]
            await self.session.execute(delete(table).where(table.c.article_id.in_(chunk)))
            await self.session.execute(
                insert(table),
                [
                    {
                        "article_id": a,
                        "model": model,
                        "version_key": vectors[a][0],
                        "data": vectors[a][1].data,
                        "scale": vectors[a][1].scale,
                        "updated_at": at,
                    }
                    for a in chunk
                ],  # fmt: skip
            )


class SqlKnowledgeLogRepository(_Repo):
    async def event(self, event_id: int, *, for_update: bool = False) -> SuggestionEvent | None:
        query = select(SuggestionEvent).where(t.kb_suggestion_events.c.id == event_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_unanswered_keys(
        self, *, language: str | None, lengths: tuple[int, int], limit: int = 500
    ) -> list[tuple[int, str]]:
        log = t.kb_unanswered.c
        query = (
            select(log.id, log.normalized)
            .where(
                log.resolved.is_(False),
                log.language.is_(None) if language is None else log.language == language,
                func.length(log.normalized).between(*lengths),
            )
            .order_by(log.last_seen.desc())
            .limit(limit)
        )
        return [(id_, normalized) for id_, normalized in await self.session.execute(query)]

    async def unanswered(
        self, *, include_resolved: bool = False, limit: int = 100
    ) -> list[UnansweredQuestion]:
        await tallies.fold_seen(self.session)  # the counts as of now
        query = select(UnansweredQuestion)
        if not include_resolved:
            query = query.where(t.kb_unanswered.c.resolved.is_(False))
        query = query.order_by(
            t.kb_unanswered.c.count.desc(), t.kb_unanswered.c.last_seen.desc()
        ).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def unanswered_group(self, group_id: int) -> UnansweredQuestion | None:
        await tallies.fold_seen(self.session)  # the count as of now
        return await self.session.get(UnansweredQuestion, group_id)

    async def seen_again(self, group_id: int, at: datetime) -> None:
        await tallies.seen_again(self.session, group_id, at)

    async def fold_seen(self) -> None:
        await tallies.fold_seen(self.session)

    async def candidates_for(self, article_id: str) -> list[PhrasingCandidate]:
        c = t.kb_phrasing_candidates.c
        query = select(PhrasingCandidate).where(c.article_id == article_id).order_by(c.id)
        return list((await self.session.execute(query.with_for_update())).scalars())

    async def candidate(self, candidate_id: int) -> PhrasingCandidate | None:
        query = select(PhrasingCandidate).where(t.kb_phrasing_candidates.c.id == candidate_id)
        return (await self.session.execute(query.with_for_update())).scalar_one_or_none()

    async def candidates(
        self, *, status: CandidateStatus | None = None, limit: int = 100
    ) -> list[PhrasingCandidate]:
        c = t.kb_phrasing_candidates.c
        query = select(PhrasingCandidate)
        if status is not None:
            query = query.where(c.status == status.value)
        query = query.order_by(c.people.desc(), c.last_seen.desc(), c.id).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def add_vote(
        self, candidate_id: int, *, person_key: str, source: ConfirmationSource, at: datetime
    ) -> bool:
        values = {"candidate_id": candidate_id, "person_key": person_key, "source": source.value,
                  "created_at": at}  # fmt: skip
        statement = _upsert_ignore(self.is_postgres, t.kb_phrasing_votes, values)
        result = await self.session.execute(statement.returning(t.kb_phrasing_votes.c.candidate_id))
        return result.first() is not None

    async def move_votes(self, *, from_key: str, to_key: str) -> None:
        votes, c = t.kb_phrasing_votes, t.kb_phrasing_votes.c
        touched = list(
            (await self.session.execute(select(c.candidate_id).where(c.person_key == from_key)))
            .scalars()
            .all()
        )
        if not touched:
            return
        await self.session.flush()
        both = select(c.candidate_id).where(c.person_key == to_key).scalar_subquery()
        await self.session.execute(
            delete(votes).where(c.person_key == from_key, c.candidate_id.in_(both))
        )
        await self.session.execute(
            update(votes).where(c.person_key == from_key).values(person_key=to_key)
        )
        counts = (
            select(func.count())
            .where(c.candidate_id == t.kb_phrasing_candidates.c.id)
            .scalar_subquery()
        )
        recounted = await self.session.execute(
            update(t.kb_phrasing_candidates)
            .where(t.kb_phrasing_candidates.c.id.in_(touched))
            .values(people=counts)
            .returning(t.kb_phrasing_candidates.c.id, t.kb_phrasing_candidates.c.people)
            .execution_options(synchronize_session=False)
        )
        for candidate_id, people in recounted.all():  # candidates this session holds: in line
            loaded = self.session.identity_map.get(identity_key(PhrasingCandidate, candidate_id))
            if loaded is not None:
                set_committed_value(loaded, "people", people)


class SqlConversationRepository(_Repo):
    """Plain rows rather than a mapped entity: ``data`` is JSON and is always written whole."""

    async def get(self, channel: str, chat_ref: str) -> Conversation | None:
        found = await self.session.execute(
            _CONVERSATION, {"channel": channel, "chat_ref": chat_ref}
        )
        row = found.mappings().first()
        if row is None:
            return None
        try:
            step, draft = Step(row["state"]), Draft.from_json(row["data"])
        except (ValueError, TypeError, KeyError):
            # Written by an older version in a shape this one cannot read: start over, since a
            # half-read draft would be worse than none.
            log.warning("conversation %s:%s unreadable, starting over", channel, chat_ref)
            step, draft = Step.IDLE, Draft()
        return Conversation(
            channel, chat_ref, row["person_id"], step, draft, updated_at=row["updated_at"]
        )

    async def save(self, conversation: Conversation) -> None:
        values = {
            "channel": conversation.channel,
            "chat_ref": conversation.chat_ref,
            "person_id": conversation.person_id,
            "state": conversation.step.value,
            "data": conversation.draft.to_json(),
            "updated_at": conversation.updated_at,
        }
        await self.session.execute(_save_conversation(self.is_postgres), values)


_CONVERSATION = select(t.conversations).where(
    t.conversations.c.channel == bindparam("channel"),
    t.conversations.c.chat_ref == bindparam("chat_ref"),
)


@functools.cache
def _save_conversation(postgres: bool) -> Any:
    statement = _insert(postgres, t.conversations, _bound(t.conversations))
    return statement.on_conflict_do_update(
        index_elements=["channel", "chat_ref"],
        set_={
            name: statement.excluded[name] for name in ("person_id", "state", "data", "updated_at")
        },
    )


class SqlInviteRepository(_Repo):
    async def add(self, *, token_hash: str, role: Role, created_at: datetime) -> None:
        await self.session.execute(
            t.agent_invites.insert().values(token_hash=token_hash, role=role, created_at=created_at)
        )

    async def redeem(
        self, token_hash: str, *, person_id: int, now: datetime, issued_after: datetime
    ) -> Role | None:
        # One UPDATE decides: of two simultaneous redemptions exactly one matches "unused".
        result = await self.session.execute(
            update(t.agent_invites)
            .where(
                t.agent_invites.c.token_hash == token_hash,
                t.agent_invites.c.used_at.is_(None),
                t.agent_invites.c.created_at > issued_after,
            )
            .values(used_at=now, used_by=person_id)
            .returning(t.agent_invites.c.role)
        )
        role = result.scalar_one_or_none()
        return Role(role) if role is not None else None


class SqlAgentRoomRepository(_Repo):
    """Rooms are read once per unit of work: a sweep tells them about many tickets."""

    _rooms: list[AgentRoom] | None = None

    async def all(self) -> list[AgentRoom]:
        if self._rooms is None:
            query = select(t.agent_rooms).order_by(
                t.agent_rooms.c.channel, t.agent_rooms.c.chat_ref
            )
            self._rooms = [
                AgentRoom(**row) for row in (await self.session.execute(query)).mappings()
            ]
        return list(self._rooms)

    async def replace(self, rooms: Sequence[AgentRoom]) -> None:
        """Several instances starting at once all store the same rooms: rows that stay are
        upserted, not deleted and inserted again (which would collide on PostgreSQL)."""
        self._rooms = None
        rooms_table = t.agent_rooms
        keep = [(room.channel, room.chat_ref) for room in rooms]
        stale = delete(rooms_table)
        if keep:
            stale = stale.where(tuple_(rooms_table.c.channel, rooms_table.c.chat_ref).not_in(keep))
        await self.session.execute(stale)
        for room in dict.fromkeys(rooms):
            statement = _insert(self.is_postgres, rooms_table, room._asdict())
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["channel", "chat_ref"], set_={"language": room.language}
                )
            )


class SqlStoredFileRepository(_Repo):
    async def get(self, file_id: int) -> StoredFile | None:
        return await self.session.get(StoredFile, file_id)
