"""The vocabulary of the service desk (ITIL): ticket types, statuses, priorities, roles."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class TicketType(StrEnum):
    INCIDENT = "incident"  # something that worked is broken
    SERVICE_REQUEST = "service_request"  # ask for something standard (access, laptop, licence)
    QUESTION = "question"  # how do I ...
    CHANGE_REQUEST = "change_request"  # ask to change a service


class TicketStatus(StrEnum):
    NEW = "new"  # registered, nobody has looked at it
    OPEN = "open"  # triaged or released back to a queue, unassigned
    ASSIGNED = "assigned"  # an agent owns it
    IN_PROGRESS = "in_progress"  # the agent is working on it
    WAITING = "waiting"  # waiting on the requester
    RESOLVED = "resolved"  # a solution was given; the requester may confirm, rate or reopen
    CLOSED = "closed"  # final

    @property
    def is_active(self) -> bool:
        return self not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class Priority(StrEnum):
    P1 = "P1"  # critical
    P2 = "P2"  # high
    P3 = "P3"  # medium
    P4 = "P4"  # low

    @property
    def rank(self) -> int:
        return int(self.value[1])


class Level(IntEnum):
    """Impact and urgency share one three-step scale."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Role(IntEnum):
    """Roles are ordered: each includes the rights of the ones below it."""

    REQUESTER = 1
    AGENT = 2
    SUPERVISOR = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class SupportLine(IntEnum):
    FIRST = 1
    SECOND = 2


class MessageKind(StrEnum):
    PUBLIC = "public"  # seen by the requester
    INTERNAL = "internal"  # agents only


class LinkKind(StrEnum):
    DUPLICATE_OF = "duplicate_of"
    RELATED = "related"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanently: the platform refused it or attempts ran out
