"""Table definitions (the schema Alembic migrations must match) and their mapping to entities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Composite, composite, registry

from core.domain import accounts as a
from core.domain import article_versions as v
from core.domain import canned as c
from core.domain import entities as e
from core.domain import knowledge as k
from core.domain.article_versions import VersionState
from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.enums import (
    LinkKind,
    MessageKind,
    OutboxState,
    Priority,
    Role,
    SupportLine,
    TicketStatus,
    TicketType,
)
from core.domain.knowledge import (
    ArticleStatus,
    CandidateStatus,
    ConfirmationSource,
    SuggestionOutcome,
    UnansweredReason,
)
from core.domain.routing import MatchKind
from core.domain.sla import Escalation, SlaState
from core.domain.sla_clock import SlaClock
from storage.types import IntEnumType, StrEnumType, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only


def _pk() -> Column[int]:
    return Column("id", Id, primary_key=True, autoincrement=True)


# SQLite: named counters, each one row (the ticket number is taken under the one write lock).
counters = Table(
    "counters",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# PostgreSQL: ticket numbers from a sequence, so concurrent intakes never wait for each other's
# commit on one counter row (storage.ticket_numbers). Owned by tickets.number (see below).
TICKET_NUMBERS = "ticket_number_seq"
FIRST_TICKET_NUMBER = 1001
ticket_numbers = Sequence(TICKET_NUMBERS, start=FIRST_TICKET_NUMBER, metadata=metadata)

people = Table(
    "people",
    metadata,
    _pk(),
    Column("display_name", String(200), nullable=False),
    Column("role", IntEnumType(Role), nullable=False),
    Column("language", String(8), nullable=False),
    Column("email", String(320)),
    Column("support_line", IntEnumType(SupportLine)),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UTCDateTime()),
    Column("away_since", UTCDateTime()),
    Column("time_zone", String(64)),
)

identities = Table(
    "identities",
    metadata,
    _pk(),
    Column(
        "person_id", Id, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("channel", String(20), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("username", String(100)),
    UniqueConstraint("channel", "external_id", name="uq_identities_channel_external_id"),
)

link_codes = Table(
    "link_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("channel", String(20), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False, index=True),
    Column("used_at", UTCDateTime()),
)

# Wrong linking codes a person sent lately: too many in a while and they wait (link_codes.redeem).
link_code_failures = Table(
    "link_code_failures",
    metadata,
    _pk(),
    Column("person_id", Id, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("ix_link_code_failures_person", "person_id", "failed_at"),
)

groups = Table(
    "groups",
    metadata,
    _pk(),
    Column("name", String(100), nullable=False, unique=True),
    Column("line", IntEnumType(SupportLine), nullable=False),
    Column("escalation_group_id", Id, ForeignKey("groups.id", ondelete="SET NULL")),
    Column("description", Text, nullable=False),
    Column("calendar_id", Id, ForeignKey("calendars.id", ondelete="SET NULL")),
    Column(
        "assignment_mode", StrEnumType(AssignmentMode, 20), nullable=False, server_default="manual"
    ),
    Column("away_action", StrEnumType(AwayAction, 20), nullable=False, server_default="release"),
    Column("last_assigned_id", Id, ForeignKey("people.id", ondelete="SET NULL")),
)

group_members = Table(
    "group_members",
    metadata,
    _pk(),
    Column("group_id", Id, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column(
        "person_id", Id, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    UniqueConstraint("group_id", "person_id", name="uq_group_members_group_id_person_id"),
)

categories = Table(
    "categories",
    metadata,
    _pk(),
    Column("slug", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("default_group_id", Id, ForeignKey("groups.id", ondelete="SET NULL")),
    Column("default_type", StrEnumType(TicketType), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("sort_order", Integer, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("parent_id", Id, ForeignKey("categories.id", ondelete="SET NULL")),
)

# Predicates of partial indexes, spelled the same in the queries that use them.
COMMENTED = "rating_comment <> '' AND rated_at IS NOT NULL"
NOT_DONE = "resolved_at IS NULL AND closed_at IS NULL"

tickets = Table(
    "tickets",
    metadata,
    _pk(),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("requester_id", Id, ForeignKey("people.id"), nullable=False, index=True),
    Column("type", StrEnumType(TicketType), nullable=False),
    Column("category_id", Id, ForeignKey("categories.id", ondelete="SET NULL")),
    Column("priority", StrEnumType(Priority, 2), nullable=False),
    Column("status", StrEnumType(TicketStatus), nullable=False, index=True),
    Column("assignee_id", Id, ForeignKey("people.id")),
    Column("group_id", Id, ForeignKey("groups.id", ondelete="SET NULL")),
    Column("line", IntEnumType(SupportLine), nullable=False),
    Column("origin_channel", String(20), nullable=False),
    Column("conversation_ref", String(100)),
    Column("resolution", Text),
    Column("rating_score", Integer),
    Column("rating_comment", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("first_response_at", UTCDateTime()),
    Column("resolved_at", UTCDateTime()),
    Column("closed_at", UTCDateTime()),
    Column("rated_at", UTCDateTime()),
    # The ticket list's orders, each able to stop after one page (id: index-only page lookups).
    Index("ix_tickets_updated_at_number_id", "updated_at", "number", "id"),
    Index("ix_tickets_created_at_number_id", "created_at", "number", "id"),
    Index("ix_tickets_priority_created_at_number", "priority", "created_at", "number"),
    # "my tickets" and "my group's queue", newest first, without reading the other rows.
    Index("ix_tickets_assignee_id_updated_at", "assignee_id", "updated_at", "number", "id"),
    Index("ix_tickets_group_id_updated_at", "group_id", "updated_at", "number", "id"),
    # The same narrowed by priority (my P1s) or by status (my group's new tickets).
    Index(
        "ix_tickets_assignee_id_priority_updated_at",
        *("assignee_id", "priority", "updated_at", "number", "id"),
    ),
    Index(
        "ix_tickets_group_id_status_updated_at",
        *("group_id", "status", "updated_at", "number", "id"),
    ),
    # Reports: the tickets resolved or closed in a date range (created_at has its index above).
    Index("ix_tickets_resolved_at", "resolved_at"),
    Index("ix_tickets_closed_at", "closed_at"),
    # The quality report's latest comments: the newest commented ratings first, so it stops
    # after the few it shows instead of sorting every comment of the desk.
    Index(
        "ix_tickets_commented_rated_at",
        "rated_at",
        "number",
        postgresql_where=text(COMMENTED),
        sqlite_where=text(COMMENTED),
    ),
    # The SLA clock (core.domain.sla_clock.SlaClock); sweeps read only sla_next_at.
    Column("sla_policy_id", Id, ForeignKey("sla_policies.id", ondelete="SET NULL")),
    Column("response_due_at", UTCDateTime()),
    Column("response_warn_at", UTCDateTime()),
    Column("response_state", StrEnumType(SlaState, 10)),
    Column("resolution_due_at", UTCDateTime()),
    Column("resolution_warn_at", UTCDateTime()),
    Column("resolution_state", StrEnumType(SlaState, 10)),
    Column("sla_paused_seconds", Float, nullable=False, server_default="0"),
    Column("sla_paused_since", UTCDateTime()),
    Column("sla_seen_status", StrEnumType(TicketStatus)),
    Column("reminder_at", UTCDateTime()),
    Column("auto_action_at", UTCDateTime()),
    Column("sla_next_at", UTCDateTime(), index=True),
)

report_tickets = Table(
    # The reports' summary of each ticket: the columns they filter and count by, copied from
    # the ticket, and its response and resolution times (core.reports.timings), measured when
    # the ticket changes. storage.report_tickets keeps it in step, in the ticket's transaction.
    "report_tickets",
    metadata,
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("resolved_at", UTCDateTime()),
    Column("closed_at", UTCDateTime()),
    Column("status", StrEnumType(TicketStatus), nullable=False),
    Column("priority", StrEnumType(Priority, 2), nullable=False),
    Column("type", StrEnumType(TicketType), nullable=False),
    Column("origin_channel", String(20), nullable=False),
    Column("group_id", Id, ForeignKey("groups.id", ondelete="SET NULL")),
    Column("category_id", Id, ForeignKey("categories.id", ondelete="SET NULL")),
    Column("assignee_id", Id, ForeignKey("people.id")),
    Column("rating_score", Integer),
    Column("response_state", StrEnumType(SlaState, 10)),
    Column("resolution_state", StrEnumType(SlaState, 10)),
    Column("response_work_s", Float),
    Column("response_calendar_s", Float),
    Column("resolution_work_s", Float),
    Column("resolution_calendar_s", Float),
    Index("ix_report_tickets_created_at", "created_at"),
    Index("ix_report_tickets_resolved_at", "resolved_at"),
    Index("ix_report_tickets_closed_at", "closed_at"),
    Index("ix_report_tickets_status", "status"),
    # The backlog when a range begins counts the tickets never resolved nor closed from this
    # small index, not from every ticket created before the range.
    Index(
        "ix_report_tickets_not_done",
        "created_at",
        postgresql_where=text(NOT_DONE),
        sqlite_where=text(NOT_DONE),
    ),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    _pk(),
    Column(
        "ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("author_id", Id, ForeignKey("people.id")),
    Column("kind", StrEnumType(MessageKind), nullable=False),
    Column("body", Text, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("external_ref", String(100)),
)

ticket_attachments = Table(
    "ticket_attachments",
    metadata,
    _pk(),
    Column(
        "ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("message_id", Id, ForeignKey("ticket_messages.id", ondelete="SET NULL")),
    Column("channel", String(20), nullable=False),
    Column("file_ref", String(300), nullable=False),
    Column("name", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("mime_type", String(127), nullable=False),
    Column("created_at", UTCDateTime()),
)

stored_files = Table(
    "stored_files",
    metadata,
    _pk(),
    Column("name", String(255), nullable=False),
    Column("mime_type", String(127), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime()),
)

ticket_links = Table(
    "ticket_links",
    metadata,
    _pk(),
    Column(
        "ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("kind", StrEnumType(LinkKind), nullable=False),
    Column("target_ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime()),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    _pk(),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), index=True),
    Column("actor_id", Id, ForeignKey("people.id")),
    Column("action", String(50), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("field", String(50)),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("details", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    # Reports: "was this ticket ever reopened?" reads this small index, not the whole trail.
    Index(
        "ix_audit_entries_reopened",
        "ticket_id",
        postgresql_where=text("action = 'reopened'"),
        sqlite_where=text("action = 'reopened'"),
    ),
)

outbox = Table(
    "outbox",
    metadata,
    _pk(),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="SET NULL")),
    Column("edit_key", String(100)),
    Column("reply_to_ref", String(100)),
    Column("state", StrEnumType(OutboxState, 10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime()),
    Column("last_error", Text),
    Column("platform_ref", String(100)),
    Column("created_at", UTCDateTime()),
    Column("sent_at", UTCDateTime()),
    Column("edit_ref", String(100)),
    Column("reply_to_key", String(100)),
    Index("ix_outbox_due", "state", "next_attempt_at"),
    Index("ix_outbox_edit_key", "edit_key"),
    # The order rule: "does an older pending message to this recipient wait?" reads only these.
    Index(
        "ix_outbox_pending_recipient",
        "channel",
        "recipient",
        "id",
        "next_attempt_at",
        postgresql_where=text("state = 'pending'"),
        sqlite_where=text("state = 'pending'"),
    ),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("event_key", String(200), primary_key=True),
    Column("processed_at", UTCDateTime(), nullable=False, index=True),
)

kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("category", String(50), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("phrasings", JSON, nullable=False),
    Column("status", StrEnumType(ArticleStatus, 16), nullable=False, index=True),
    Column("translation_of", String(100), index=True),
    Column("author", String(200)),
    Column("created_at", UTCDateTime()),
    Column("updated_at", UTCDateTime()),
    Column("suggested_count", Integer, nullable=False),
    Column("opened_count", Integer, nullable=False),
    Column("helped_count", Integer, nullable=False),
    Column("not_helped_count", Integer, nullable=False),
)

# PostgreSQL: one row per use of an article (suggested, opened, helped, not helped), written by
# the intake instead of bumping the article's counter, so a burst of people shown the same
# article do not wait for each other's commit on its row. Folded into the counters above by
# storage.tallies (every few seconds, and before the counters are shown).
kb_article_uses = Table(
    "kb_article_uses",
    metadata,
    _pk(),
    Column(
        "article_id",
        String(100),
        ForeignKey("kb_articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("counter", String(16), nullable=False),
)

# The semantic vector of each article's current version (int8 bytes and their scale), so a start
# or a CLI call encodes only new and edited articles. ``version_key`` hashes the model and text.
kb_article_vectors = Table(
    "kb_article_vectors",
    metadata,
    Column("article_id", String(100), primary_key=True),
    Column("model", String(40), nullable=False),
    Column("version_key", String(40), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("scale", Float, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Which version of each shipped starter article was loaded, so a later load can tell an admin's
# edit (content no longer has this hash) from our own unedited copy (safe to update).
kb_starter_articles = Table(
    "kb_starter_articles",
    metadata,
    Column("article_id", String(100), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("loaded_at", UTCDateTime(), nullable=False),
)

kb_suggestion_events = Table(
    "kb_suggestion_events",
    metadata,
    _pk(),
    Column("question", Text, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("article_ids", JSON, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("language", String(8)),
    Column("person_id", Id, ForeignKey("people.id", ondelete="SET NULL")),
    Column("outcome", StrEnumType(SuggestionOutcome, 16), nullable=False, index=True),
    Column("helped_article_id", String(100)),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("answered_at", UTCDateTime()),
)

kb_phrasing_candidates = Table(
    "kb_phrasing_candidates",
    metadata,
    _pk(),
    Column("article_id", String(100), nullable=False, index=True),
    Column("normalized", String(500), nullable=False),
    Column("sample", Text, nullable=False),
    Column("status", StrEnumType(CandidateStatus, 16), nullable=False, index=True),
    Column("people", Integer, nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Column("decided_at", UTCDateTime()),
    Column("decided_by", String(200)),
)

# Who confirmed a candidate, so that one person confirming twice counts once.
kb_phrasing_votes = Table(
    "kb_phrasing_votes",
    metadata,
    Column(
        "candidate_id",
        Id,
        ForeignKey("kb_phrasing_candidates.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_key", String(40), primary_key=True),
    Column("source", StrEnumType(ConfirmationSource, 16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

kb_unanswered = Table(
    "kb_unanswered",
    metadata,
    _pk(),
    Column("normalized", String(500), nullable=False, index=True),
    Column("sample", Text, nullable=False),
    Column("reason", StrEnumType(UnansweredReason, 16), nullable=False),
    Column("language", String(8)),
    Column("count", Integer, nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Column("resolved", Boolean, nullable=False),
    # A self-help miss compares against the open groups of its language, newest first.
    Index("ix_kb_unanswered_open", "resolved", "language", "last_seen"),
)

# PostgreSQL: one row per repeat of an unanswered question, folded into its count and last_seen
# by storage.tallies (as kb_article_uses for articles).
kb_unanswered_seen = Table(
    "kb_unanswered_seen",
    metadata,
    _pk(),
    Column(
        "group_id",
        Id,
        ForeignKey("kb_unanswered.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("seen_at", UTCDateTime(), nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("chat_ref", String(100), primary_key=True),
    Column("person_id", Id, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(50), nullable=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

agent_invites = Table(
    "agent_invites",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("role", IntEnumType(Role), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime()),
    Column("used_by", Id, ForeignKey("people.id", ondelete="SET NULL")),
)

agent_rooms = Table(
    "agent_rooms",
    metadata,
    Column("channel", String(20), primary_key=True),
    Column("chat_ref", String(100), primary_key=True),
    Column("language", String(8), nullable=False),
)

kb_article_versions = Table(
    "kb_article_versions",
    metadata,
    _pk(),
    Column(
        "article_id",
        String(100),
        ForeignKey("kb_articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("category", String(50), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("phrasings", JSON, nullable=False),
    Column("status", StrEnumType(ArticleStatus, 16), nullable=False),
    Column("action", String(30), nullable=False),
    Column("state", StrEnumType(VersionState, 10), nullable=False, index=True),
    Column("author_id", Id, ForeignKey("people.id", ondelete="SET NULL")),
    Column("author_name", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("article_id", "number", name="uq_kb_article_versions_article_id_number"),
)

web_accounts = Table(
    "web_accounts",
    metadata,
    _pk(),
    Column(
        "person_id",
        Id,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("last_failed_at", UTCDateTime()),
    Column("last_login_at", UTCDateTime()),
    Column("password_changed_at", UTCDateTime()),
    Column("created_at", UTCDateTime()),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "account_id",
        Id,
        ForeignKey("web_accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _pk(),
    Column("name", String(100), nullable=False),
    Column(
        "person_id", Id, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", UTCDateTime()),
    Column("last_used_at", UTCDateTime()),
    Column("revoked_at", UTCDateTime()),
)

# PostgreSQL only: trigram indexes turn "contains" search (ILIKE '%text%') into index lookups.
POSTGRES_ONLY = {"dialects": ("postgresql",)}
for _column in (tickets.c.title, tickets.c.description):
    Index(
        f"ix_tickets_{_column.name}_trgm",
        _column,
        postgresql_using="gin",
        postgresql_ops={_column.name: "gin_trgm_ops"},
        info=POSTGRES_ONLY,
    ).ddl_if(dialect="postgresql")
event.listen(
    tickets,
    "after_create",
    DDL(f"ALTER SEQUENCE {TICKET_NUMBERS} OWNED BY tickets.number").execute_if(  # type: ignore[no-untyped-call]
        dialect="postgresql"
    ),
)
event.listen(
    metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),  # type: ignore[no-untyped-call]
)


def include_object_for(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` for one database: leaves out the objects that exist only on
    other databases (so comparing models with a SQLite schema ignores PostgreSQL's indexes)."""

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        dialects = getattr(obj, "info", {}).get("dialects")
        return dialects is None or dialect in dialects

    return include


calendars = Table(
    "calendars",
    metadata,
    _pk(),
    Column("name", String(100), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("hours", JSON, nullable=False),  # entries as core.domain.calendar_text writes them
    Column("holidays", JSON, nullable=False),  # [{"date": "12-25", "name": "..."}]
    Column("is_default", Boolean, nullable=False),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    _pk(),
    Column("scope", String(120), nullable=False, unique=True),  # priority|type|category id
    Column("priority", StrEnumType(Priority, 2), nullable=False),
    Column("ticket_type", StrEnumType(TicketType)),
    Column("category_id", Id, ForeignKey("categories.id", ondelete="CASCADE")),
    Column("response", String(40), nullable=False),  # a WorkDuration as text: 30m, 1d 4h
    Column("resolution", String(40), nullable=False),
    Column("warn_share", Float, nullable=False),
    Column("escalation", StrEnumType(Escalation, 20), nullable=False),
)

routing_rules = Table(
    "routing_rules",
    metadata,
    _pk(),
    Column("name", String(100), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("kind", StrEnumType(MatchKind, 10), nullable=False),
    Column("pattern", Text, nullable=False),
    Column("category_id", Id, ForeignKey("categories.id", ondelete="CASCADE")),
    Column("group_id", Id, ForeignKey("groups.id", ondelete="CASCADE")),
    Column("priority", StrEnumType(Priority, 2)),
    Column("ticket_type", StrEnumType(TicketType)),
    Column("stop_reply", Text),
    Column("stop_replies", JSON, nullable=False, server_default="{}"),  # language → text
    Column("is_active", Boolean, nullable=False),
)

desk_options = Table(
    "desk_options",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", JSON, nullable=False),
)

job_runs = Table(  # a job that must run once per period (the daily digest) claims its row here
    "job_runs",
    metadata,
    Column("job", String(50), primary_key=True),
    Column("period", String(100), primary_key=True),
    Column("ran_at", UTCDateTime(), nullable=False),
)

canned_replies = Table(
    "canned_replies",
    metadata,
    _pk(),
    Column("name", String(32), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

mapper_registry = registry(metadata=metadata)
_MAPPED = False


def map_entities() -> None:
    """Map the core's dataclasses onto the tables (once per process)."""
    global _MAPPED
    if _MAPPED:
        return
    for entity, table in (
        (e.Person, people),
        (e.Identity, identities),
        (e.LinkCode, link_codes),
        (e.Group, groups),
        (e.GroupMember, group_members),
        (e.Category, categories),
        (e.Ticket, tickets),
        (e.TicketMessage, ticket_messages),
        (e.TicketAttachment, ticket_attachments),
        (e.TicketLink, ticket_links),
        (e.StoredFile, stored_files),
        (e.AuditEntry, audit_entries),
        (e.OutboxMessage, outbox),
        (k.Article, kb_articles),
        (k.SuggestionEvent, kb_suggestion_events),
        (k.UnansweredQuestion, kb_unanswered),
        (v.ArticleVersion, kb_article_versions),
        (a.WebAccount, web_accounts),
        (a.WebSession, web_sessions),
        (a.ApiToken, api_tokens),
        (k.PhrasingCandidate, kb_phrasing_candidates),
        (c.CannedReply, canned_replies),
    ):
        properties = {"sla": _sla_clock()} if entity is e.Ticket else {}
        mapper_registry.map_imperatively(entity, table, properties=properties)
    _MAPPED = True


def _sla_clock() -> Composite[SlaClock]:
    """A ticket's SLA clock is one value over its columns, in SlaClock's field order."""
    c = tickets.c
    return composite(
        SlaClock,
        c.sla_policy_id,
        c.response_due_at,
        c.response_warn_at,
        c.response_state,
        c.resolution_due_at,
        c.resolution_warn_at,
        c.resolution_state,
        c.sla_paused_seconds,
        c.sla_paused_since,
        c.sla_seen_status,
        c.reminder_at,
        c.auto_action_at,
        c.sla_next_at,
    )
