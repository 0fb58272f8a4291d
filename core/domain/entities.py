"""Domain entities: plain dataclasses. ``storage`` maps them to tables; the core never sees SQL.

Entities reference each other by id, not by object graph, so a use case loads exactly what it
needs and nothing is lazily fetched behind its back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from core.domain.sla_clock import SlaClock


@dataclass(eq=False)
class Person:
    """Anyone who talks to chatdesk: requester, agent, supervisor or admin."""

    display_name: str
    role: Role = Role.REQUESTER
    language: str = "en"
    email: str | None = None  # set by an admin, or verified by a messenger (Slack's users.info)
    support_line: SupportLine | None = None  # agents only
    is_active: bool = True
    created_at: datetime | None = None
    away_since: datetime | None = None  # agents: away (not given new tickets) since then
    time_zone: str | None = None  # IANA name, as the messenger reports it (Slack's users.info)
    id: int | None = None

    def has_role(self, role: Role) -> bool:
        return self.is_active and self.role >= role

    @property
    def is_agent(self) -> bool:
        return self.has_role(Role.AGENT)

    @property
    def is_available(self) -> bool:
        """An agent who may be given new tickets."""
        return self.is_agent and self.away_since is None


@dataclass(eq=False)
class Identity:
    """One person's account on one channel. Slack ids are ``TEAM:USER``."""

    person_id: int
    channel: str
    external_id: str
    username: str | None = None
    id: int | None = None


@dataclass(eq=False)
class LinkCode:
    """A one-time code an account asked for; sent from another messenger, it makes the two
    accounts one person. Only its hash is kept."""

    code_hash: str
    channel: str  # the account that asked for it
    external_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(eq=False)
class Group:
    """A queue of agents on one support line; tickets are routed to groups."""

    name: str
    line: SupportLine = SupportLine.FIRST
    escalation_group_id: int | None = None  # where "escalate" sends its tickets
    description: str = ""
    calendar_id: int | None = None  # its own business calendar; None: the desk's default
    assignment_mode: AssignmentMode = AssignmentMode.MANUAL
    away_action: AwayAction = AwayAction.RELEASE
    last_assigned_id: int | None = None  # round-robin: who got the previous ticket
    id: int | None = None


@dataclass(eq=False)
class GroupMember:
    group_id: int
    person_id: int
    id: int | None = None


@dataclass(eq=False)
class Category:
    """What a request is about; routes a new ticket to a group with a default type.

    Categories form a tree (``parent_id``): "Hardware" → "Printers". An archived category is
    offered to nobody, and tickets filed under it keep it.
    """

    slug: str
    name: str
    default_group_id: int | None = None
    default_type: TicketType = TicketType.INCIDENT
    labels: dict[str, str] = dataclasses.field(default_factory=dict)  # name per language
    sort_order: int = 0
    is_active: bool = True
    parent_id: int | None = None
    id: int | None = None

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.name


@dataclass(eq=False)
class Ticket:
    number: int
    title: str
    description: str
    requester_id: int
    type: TicketType = TicketType.INCIDENT
    category_id: int | None = None
    priority: Priority = Priority.P3
    status: TicketStatus = TicketStatus.NEW
    assignee_id: int | None = None
    group_id: int | None = None
    line: SupportLine = SupportLine.FIRST
    origin_channel: str = "admin"
    conversation_ref: str | None = None  # where the requester talks to us on that channel
    resolution: str | None = None
    rating_score: int | None = None
    rating_comment: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rated_at: datetime | None = None
    sla: SlaClock = dataclasses.field(default_factory=SlaClock)  # deadlines and follow-ups
    id: int | None = None


@dataclass(eq=False)
class TicketMessage:
    ticket_id: int
    author_id: int | None  # None: the system
    kind: MessageKind
    body: str
    channel: str
    created_at: datetime | None = None
    external_ref: str | None = None  # the platform message this came from
    id: int | None = None


@dataclass(eq=False)
class TicketAttachment:
    ticket_id: int
    channel: str
    file_ref: str  # the platform's file id
    name: str = ""
    size: int = 0
    mime_type: str = ""
    message_id: int | None = None
    created_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class StoredFile:
    """A file chatdesk keeps itself, because no messenger holds it: a long text a person
    pasted, kept as a ``.txt`` attachment. Attachments name it as channel ``STORED_FILES``
    with the file's id as their reference."""

    name: str
    mime_type: str
    content: bytes
    size: int = 0
    created_at: datetime | None = None
    id: int | None = None


STORED_FILES = "chatdesk"  # the attachment "channel" of files chatdesk stores itself


@dataclass(eq=False)
class TicketLink:
    ticket_id: int
    kind: LinkKind
    target_ticket_id: int
    created_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class AuditEntry:
    """Append-only: who changed what on which ticket, from what to what, when, and through where."""

    action: str
    channel: str
    ticket_id: int | None = None
    actor_id: int | None = None
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    created_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class OutboxMessage:
    """A message the system owes someone; written with the change that caused it, sent later."""

    channel: str
    recipient: str
    payload: dict[str, Any]
    ticket_id: int | None = None
    edit_key: str | None = None  # messages sharing a key are edited in place (ticket cards)
    reply_to_ref: str | None = None
    edit_ref: str | None = None  # edit this platform message (the one whose button was pressed)
    reply_to_key: str | None = None  # reply to the last message sent under this edit_key
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    platform_ref: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None
    id: int | None = None
