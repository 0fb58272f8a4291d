"""What the core needs from the outside world, stated as small protocols.

``storage`` implements them over SQLAlchemy; tests may fake them. A use case receives an open
:class:`UnitOfWork`, does its reads and writes through it, and leaves committing to its caller,
so that an inbound event's deduplication record, the change and the outbox messages it causes
all land in one transaction (or none of them do).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NamedTuple, Protocol

from core.domain.accounts import ApiToken, WebAccount, WebSession
from core.domain.article_versions import ArticleVersion
from core.domain.calendars import BusinessCalendar
from core.domain.canned import CannedReply
from core.domain.conversation import Conversation
from core.domain.digest import DigestDay, DigestFigures
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
from core.domain.enums import Role, TicketStatus
from core.domain.knowledge import (
    Article,
    ArticleStatus,
    CandidateStatus,
    ConfirmationSource,
    PhrasingCandidate,
    SuggestionEvent,
    UnansweredQuestion,
)
from core.domain.routing import RoutingRule
from core.domain.sla import SlaPolicy
from core.reports.facts import ALL_NEEDS, Needs, ReportData
from core.reports.query import ReportQuery
from kb.semantic import StoredVector

Entity = (
    Person
    | Identity
    | LinkCode
    | Group
    | GroupMember
    | Category
    | Ticket
    | TicketMessage
    | TicketAttachment
    | TicketLink
    | AuditEntry
    | OutboxMessage
    | StoredFile
    | Article
    | SuggestionEvent
    | UnansweredQuestion
    | WebAccount
    | WebSession
    | ApiToken
    | ArticleVersion
    | PhrasingCandidate
    | CannedReply
)


UnitOfWorkFactory = Callable[[], "UnitOfWork"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TicketRepository(Protocol):
    async def next_number(self) -> int:
        """Allocate the next human ticket number; unique and increasing under concurrency."""
        ...

    async def get(self, number: int, *, for_update: bool = False) -> Ticket | None:
        """Load a ticket by number; ``for_update`` locks its row until the transaction ends."""
        ...

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
        """Tickets matching every given filter, most urgent first, then oldest first;
        ``by_deadline``: within a priority, the earliest running SLA deadline first (tickets
        with none last)."""
        ...

    async def get_by_id(self, ticket_id: int) -> Ticket | None: ...


class PeopleRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...

    async def by_identity(self, channel: str, external_id: str) -> Person | None: ...

    async def identities(self, person_id: int) -> list[Identity]: ...

    async def get_many(self, person_ids: Collection[int]) -> dict[int, Person]:
        """The people with these ids that exist, read in one go."""
        ...

    async def identities_of(self, person_ids: Collection[int]) -> dict[int, list[Identity]]:
        """Each person's identities (oldest first), for many people in one go; a person with
        none is absent."""
        ...

    async def find(self, reference: str) -> Person | None:
        """Find a person by ``@username`` on any channel, e-mail, numeric id or exact name."""
        ...

    async def with_role(self, role: Role) -> list[Person]:
        """Active people who have at least ``role``."""
        ...

    async def with_email(self, email: str) -> list[Person]:
        """Everyone whose e-mail is ``email``, ignoring case."""
        ...

    async def merge(self, *, keep_id: int, drop_id: int) -> list[int]:
        """Make every reference to person ``drop_id`` (identities, tickets, messages, audit,
        groups, conversations...) name ``keep_id`` and delete ``drop_id``. Returns the ids of
        the tickets whose requester changed."""
        ...

    async def link_code(self, code_hash: str) -> LinkCode | None:
        """The code with this hash, locked until the transaction ends."""
        ...

    async def forget_link_codes(
        self, *, channel: str, external_id: str, expired_by: datetime
    ) -> None:
        """Delete the account's unused codes, and everyone's that expired before ``expired_by``."""
        ...

    async def link_failures(self, person_id: int, *, since: datetime) -> list[datetime]:
        """When ``person_id`` sent a wrong linking code after ``since``, oldest first."""
        ...

    async def note_link_failure(
        self, person_id: int, *, at: datetime, forget_before: datetime
    ) -> None:
        """Remember a wrong linking code sent ``at``; forget this person's older than ``forget_before``."""
        ...


class CatalogRepository(Protocol):
    async def category(self, slug: str) -> Category | None: ...

    async def category_by_id(self, category_id: int) -> Category | None: ...

    async def categories(self, *, active_only: bool = True) -> list[Category]: ...

    async def group(self, name: str) -> Group | None: ...

    async def group_by_id(self, group_id: int, *, for_update: bool = False) -> Group | None:
        """``for_update`` locks the group's row until the transaction ends (round-robin reads
        and moves its ``last_assigned_id``)."""
        ...

    async def groups(self) -> list[Group]: ...

    async def members(self, group_id: int) -> list[GroupMember]: ...

    async def remove_member(self, group_id: int, person_id: int) -> None: ...


class HistoryRepository(Protocol):
    async def messages(
        self, ticket_id: int, *, include_internal: bool = True
    ) -> list[TicketMessage]: ...

    async def audit(self, ticket_id: int) -> list[AuditEntry]: ...

    async def attachments(self, ticket_id: int) -> list[TicketAttachment]: ...

    async def attachment_counts(self, ticket_ids: Collection[int]) -> dict[int, int]:
        """How many attachments each ticket has; a ticket with none is absent."""
        ...

    async def links(self, ticket_id: int) -> list[TicketLink]: ...


class OutboxRepository(Protocol):
    @property
    def claims_stay_locked(self) -> bool:
        """True when the rows :meth:`claim_due` returns stay locked to this transaction until it
        ends, and other workers skip them meanwhile (PostgreSQL: ``FOR UPDATE SKIP LOCKED``).
        Then a worker may keep the transaction open while it sends them: the claim lasts as long
        as the worker's connection does. False (SQLite): the claim is only as good as the lease
        the worker commits."""
        ...

    async def claim_due(self, *, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose time has come and that may go now, oldest first, locked so
        that no other worker takes them.

        Per recipient (channel and recipient), a message may go only if every older pending
        message to the same recipient goes with it in this claim: none is waiting for a retry,
        leased by another worker, or left out by ``limit``. So a recipient's messages leave in
        the order they were queued, and other recipients never wait for it.
        """
        ...

    async def get(self, message_id: int) -> OutboxMessage | None: ...

    async def renew_leases(self, message_ids: Collection[int], *, until: datetime) -> None:
        """Keep pending messages being sent leased until ``until``."""
        ...

    async def last_refs(self, edit_keys: Collection[str]) -> dict[str, tuple[int, str]]:
        """Per edit key that has any, the id and platform reference of the last message sent."""
        ...

    async def mark_sent(self, sent: Sequence[tuple[int, str]], *, at: datetime) -> None:
        """Record messages as sent: (message id, platform reference) each."""
        ...

    async def ticket_for_ref(self, channel: str, recipient: str, platform_ref: str) -> int | None:
        """The ticket id of a message we sent to ``recipient`` as ``platform_ref``, if any."""
        ...


class InboundEventRepository(Protocol):
    async def first_time(self, channel: str, key: str, *, now: datetime) -> bool:
        """Record an inbound platform event; False if it was already recorded (a redelivery)."""
        ...


class ArticleRepository(Protocol):
    async def get(self, article_id: str) -> Article | None: ...

    async def all(self, *, status: ArticleStatus | None = None) -> list[Article]:
        """Articles, optionally of one status, ordered by id."""
        ...

    async def changed_since(self, moment: datetime) -> list[Article]:
        """Articles updated at or after ``moment`` (any status), oldest change first."""
        ...

    async def bump(self, article_ids: Sequence[str], counter: str) -> None:
        """Add one to ``counter`` (suggested/opened/helped/not_helped) of each article, in this
        transaction. The articles' counters show it after :meth:`fold_uses` (at once on SQLite)."""
        ...

    async def fold_uses(self) -> None:
        """Bring the articles' counters up to date with the uses recorded so far (PostgreSQL
        records each use as a row, so intakes never wait on an article's row): call before
        showing counters; the runner also does it every few seconds."""
        ...

    async def vectors(self, *, model: str) -> dict[str, StoredVector]:
        """The cached semantic vectors made by ``model``, by version key."""
        ...

    async def keep_vectors(
        self, *, model: str, vectors: Mapping[str, tuple[str, StoredVector]], at: datetime
    ) -> None:
        """Cache article id -> (version key, vector), replacing each article's older one."""
        ...


class KnowledgeLogRepository(Protocol):
    async def event(self, event_id: int, *, for_update: bool = False) -> SuggestionEvent | None: ...

    async def open_unanswered_keys(
        self, *, language: str | None, lengths: tuple[int, int], limit: int = 500
    ) -> list[tuple[int, str]]:
        """(id, normalized question) of the unresolved unanswered-question groups in a language
        whose normalized question is ``lengths[0]`` to ``lengths[1]`` characters long, most
        recently seen first: plain pairs, as a self-help miss compares against them all."""
        ...

    async def unanswered(
        self, *, include_resolved: bool = False, limit: int = 100
    ) -> list[UnansweredQuestion]:
        """Groups by how often they were asked."""
        ...

    async def unanswered_group(self, group_id: int) -> UnansweredQuestion | None: ...

    async def seen_again(self, group_id: int, at: datetime) -> None:
        """``group_id`` was asked once more at ``at``; its count shows it once folded (as
        :meth:`unanswered` and :meth:`unanswered_group` do; at once on SQLite)."""
        ...

    async def fold_seen(self) -> None:
        """Bring the unanswered questions' counts up to date (the runner does it every few
        seconds; PostgreSQL records each repeat as a row so intakes never wait on the group)."""
        ...

    async def candidates_for(self, article_id: str) -> list[PhrasingCandidate]:
        """Every phrasing candidate of an article (any status), locked for update."""
        ...

    async def candidate(self, candidate_id: int) -> PhrasingCandidate | None:
        """One candidate, locked for update."""
        ...

    async def candidates(
        self, *, status: CandidateStatus | None = None, limit: int = 100
    ) -> list[PhrasingCandidate]:
        """Candidates, most confirmed first."""
        ...

    async def add_vote(
        self, candidate_id: int, *, person_key: str, source: ConfirmationSource, at: datetime
    ) -> bool:
        """Record that a person confirmed a candidate; False when they already had."""
        ...

    async def move_votes(self, *, from_key: str, to_key: str) -> None:
        """Make ``from_key``'s confirmations ``to_key``'s (one per candidate: a candidate both
        confirmed keeps one) and recount the people of the candidates they were on."""
        ...


class ConversationRepository(Protocol):
    async def get(self, channel: str, chat_ref: str) -> Conversation | None: ...

    async def save(self, conversation: Conversation) -> None:
        """Insert or replace the chat's state (stamped with ``updated_at``)."""
        ...


class InviteRepository(Protocol):
    async def add(self, *, token_hash: str, role: Role, created_at: datetime) -> None: ...

    async def redeem(
        self, token_hash: str, *, person_id: int, now: datetime, issued_after: datetime
    ) -> Role | None:
        """Mark an unused invite issued after ``issued_after`` as used, atomically; its role,
        or None when it is unknown, used or expired."""
        ...


class StoredFileRepository(Protocol):
    async def get(self, file_id: int) -> StoredFile | None: ...


class AgentRoom(NamedTuple):
    """A chat where agents see ticket cards: a Telegram group, a Slack channel."""

    channel: str
    chat_ref: str
    language: str = "en"


class AgentRoomRepository(Protocol):
    async def all(self) -> list[AgentRoom]: ...

    async def replace(self, rooms: Sequence[AgentRoom]) -> None:
        """Make the stored rooms exactly ``rooms`` (synced from settings at start-up)."""
        ...


class ArticleVersionRepository(Protocol):
    """The history of knowledge-base articles (and the proposals among it)."""

    async def latest_number(self, article_id: str) -> int:
        """The highest version number of the article (0 when it has none)."""
        ...

    async def of_article(self, article_id: str) -> list[ArticleVersion]:
        """Every version of the article, newest first."""
        ...

    async def get(self, article_id: str, number: int) -> ArticleVersion | None: ...

    async def proposals(self, *, limit: int = 100) -> list[ArticleVersion]:
        """Open proposals of every article, oldest first."""
        ...


class AccountRepository(Protocol):
    """Admin-panel sign-in accounts, their sessions and API tokens."""

    async def by_email(self, email: str) -> WebAccount | None:
        """The account with this e-mail (compared case-insensitively)."""
        ...

    async def get(self, account_id: int) -> WebAccount | None: ...

    async def for_person(self, person_id: int) -> WebAccount | None: ...

    async def all(self) -> list[WebAccount]:
        """Every account, by e-mail."""
        ...

    async def count(self) -> int: ...

    async def web_session(self, token_hash: str) -> WebSession | None: ...

    async def end_session(self, token_hash: str) -> None: ...

    async def end_sessions(self, account_id: int) -> int:
        """Sign the account out everywhere; how many sessions ended."""
        ...

    async def end_idle_sessions(self, *, seen_before: datetime) -> int:
        """Delete sessions not used since ``seen_before``; how many."""
        ...

    async def token_by_hash(self, token_hash: str) -> ApiToken | None: ...

    async def token(self, token_id: int) -> ApiToken | None: ...

    async def tokens(self, *, person_id: int | None = None) -> list[ApiToken]:
        """API tokens (of one person, or all), newest first, revoked ones included."""
        ...


class SlaRepository(Protocol):
    """Business calendars, SLA policies, automation options and the tickets whose clock is due."""

    async def calendars(self) -> list[BusinessCalendar]:
        """Every calendar, by name; the default one has ``is_default``."""
        ...

    async def save_calendar(self, calendar: BusinessCalendar) -> BusinessCalendar:
        """Insert or replace by name (a new default unmarks the old one); the stored calendar."""
        ...

    async def delete_calendar(self, name: str) -> None: ...

    async def policies(self) -> list[SlaPolicy]: ...

    async def save_policy(self, policy: SlaPolicy) -> None:
        """Insert or replace the policy for its scope (priority, type, category)."""
        ...

    async def delete_policy(self, policy_id: int) -> None: ...

    async def options(self) -> dict[str, Any]:
        """Desk-wide settings stored as JSON values by key (automation durations...)."""
        ...

    async def set_option(self, key: str, value: Any) -> None: ...

    async def claim_due(self, *, now: datetime, limit: int) -> list[Ticket]:
        """Tickets whose ``sla.next_at`` has come, oldest first, locked so that no other
        instance takes them in the meantime (``SKIP LOCKED`` on PostgreSQL)."""
        ...

    async def active_ticket_ids(self, *, after_id: int, limit: int) -> list[int]:
        """Ids of active tickets after ``after_id``, in order: a page to recompute."""
        ...

    async def digest_figures(self, *, now: datetime, day: DigestDay) -> DigestFigures:
        """The daily digest's counts: active tickets now (open, unassigned, due before
        ``day.day_end``, breached) and the previous working day's resolved, closed and ratings."""
        ...


class RoutingRepository(Protocol):
    async def rules(self) -> list[RoutingRule]:
        """Every rule, in evaluation order."""
        ...

    async def save_rule(self, rule: RoutingRule) -> None:
        """Insert or replace by name."""
        ...

    async def delete_rule(self, name: str) -> None: ...

    async def active_ticket_counts(self, person_ids: Sequence[int]) -> dict[int, int]:
        """How many active tickets each of these people has assigned (absent: none)."""
        ...


class JobRunRepository(Protocol):
    async def claim(self, job: str, period: str, *, now: datetime) -> bool:
        """Record that ``job`` ran for ``period``; False if some instance already did. Commit
        it with the job's effects, so the job happens once per period however many run it."""
        ...


class CannedReplyRepository(Protocol):
    """Canned replies agents send from chat or the panel, by their unique name."""

    async def all(self) -> list[CannedReply]:
        """Every canned reply, by name."""
        ...

    async def get(self, name: str) -> CannedReply | None: ...

    async def by_id(self, reply_id: int) -> CannedReply | None: ...

    async def delete(self, reply: CannedReply) -> None: ...


class ReportRepository(Protocol):
    async def facts(self, query: ReportQuery, needs: frozenset[Needs] = ALL_NEEDS) -> ReportData:
        """What the reports are computed from, for ``query`` (filters applied), as much as
        ``needs`` asks; a filter value that names nothing raises
        :class:`core.errors.InvalidInput`."""
        ...


class UnitOfWork(Protocol):
    """One transaction and the repositories over it. The repositories are read-only properties,
    so an implementation may expose its own (narrower) repository types and still satisfy this."""

    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def people(self) -> PeopleRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def history(self) -> HistoryRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def inbound(self) -> InboundEventRepository: ...

    @property
    def articles(self) -> ArticleRepository: ...

    @property
    def knowledge_log(self) -> KnowledgeLogRepository: ...

    @property
    def conversations(self) -> ConversationRepository: ...

    @property
    def invites(self) -> InviteRepository: ...

    @property
    def rooms(self) -> AgentRoomRepository: ...

    @property
    def article_versions(self) -> ArticleVersionRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def files(self) -> StoredFileRepository: ...

    @property
    def sla(self) -> SlaRepository: ...

    @property
    def routing(self) -> RoutingRepository: ...

    @property
    def jobs(self) -> JobRunRepository: ...

    @property
    def canned(self) -> CannedReplyRepository: ...

    @property
    def reports(self) -> ReportRepository: ...

    @property
    def clock(self) -> Clock: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def add(self, entity: Entity) -> None:
        """Register a new entity; it is written at the next flush or commit."""
        ...

    async def flush(self) -> None:
        """Write pending changes now (assigns ids) without committing."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: an exception inside undoes only what was written inside."""
        ...
