"""Table definitions (the schema Alembic migrations must match) and their mapping to entities."""

from __future__ import annotations

from sqlalchemy import (
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
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry

from core.domain import entities as e
from core.domain import knowledge as k
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


counters = Table(
    "counters",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

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

groups = Table(
    "groups",
    metadata,
    _pk(),
    Column("name", String(100), nullable=False, unique=True),
    Column("line", IntEnumType(SupportLine), nullable=False),
    Column("escalation_group_id", Id, ForeignKey("groups.id", ondelete="SET NULL")),
    Column("description", Text, nullable=False),
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
)

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
    Column("assignee_id", Id, ForeignKey("people.id"), index=True),
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
        (e.Group, groups),
        (e.GroupMember, group_members),
        (e.Category, categories),
        (e.Ticket, tickets),
        (e.TicketMessage, ticket_messages),
        (e.TicketAttachment, ticket_attachments),
        (e.TicketLink, ticket_links),
        (e.AuditEntry, audit_entries),
        (e.OutboxMessage, outbox),
        (k.Article, kb_articles),
        (k.SuggestionEvent, kb_suggestion_events),
        (k.UnansweredQuestion, kb_unanswered),
        (k.PhrasingCandidate, kb_phrasing_candidates),
    ):
        mapper_registry.map_imperatively(entity, table)
    _MAPPED = True
