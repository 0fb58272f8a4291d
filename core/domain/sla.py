"""SLA policies: how soon the desk promises to answer and to resolve, per priority.

A policy sets two targets in working time for one priority, optionally narrowed to one ticket
type or one category (the most specific matching policy wins: category and type, then category,
then type, then the priority alone).

**First response** is the first public message an agent sends the requester (a reply, or the
resolution itself). Claiming or assigning does not count: assignment can be automatic
(round-robin, least-loaded), so it proves nobody has read the request; a reply does, and it is
what the requester actually experiences as "they answered". The response clock never pauses.

**Resolution** runs from creation until the ticket is resolved, and pauses while the ticket
waits on the requester or stays resolved (a reopened ticket continues where its clock stopped).
Both clocks are measured in the working time of the ticket's calendar (its group's, else the
desk's default). How a ticket's clock moves is :mod:`core.domain.sla_clock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from core.domain.calendars import BusinessCalendar
from core.domain.durations import WorkDuration
from core.domain.enums import Priority, TicketType
from core.errors import ConfigurationError

DEFAULT_WARN_SHARE = 0.75


class SlaState(StrEnum):
    """Where one target of one ticket stands."""

    OK = "ok"  # running, and no notice has gone out for the current deadline
    WARNING = "warning"  # the warning went out
    BREACHED = "breached"  # the deadline passed while the clock ran
    MET = "met"  # the clock stopped in time


class Escalation(StrEnum):
    """What a breach does besides telling people."""

    NONE = "none"
    SECOND_LINE = "second_line"  # move to the group's escalation (second-line) group
    RAISE_PRIORITY = "raise_priority"  # one step more urgent (P3 → P2)
    SUPERVISOR = "supervisor"  # reassign to a supervisor


@dataclass(frozen=True, slots=True)
class Targets:
    """A policy's targets resolved in one calendar: working time to respond and to resolve."""

    response: timedelta
    resolution: timedelta
    warn_share: float = DEFAULT_WARN_SHARE


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    priority: Priority
    response: WorkDuration
    resolution: WorkDuration
    ticket_type: TicketType | None = None
    category: str | None = None  # a category slug
    warn_share: float = DEFAULT_WARN_SHARE  # warn when this share of a target has passed
    escalation: Escalation = Escalation.SECOND_LINE
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.response.is_zero or self.resolution.is_zero:
            raise ConfigurationError("SLA targets must be longer than zero.")
        if not 0 < self.warn_share < 1:
            raise ConfigurationError(
                "The warning share must be between 0 % and 100 %, not {share}.",
                share=f"{self.warn_share:.0%}",
            )

    @property
    def scope(self) -> str:
        """Which tickets it covers, as the command line writes it: ``P1``, ``P2 incident network``."""
        parts = [self.priority.value]
        parts += [self.ticket_type.value] if self.ticket_type else []
        parts += [f"category={self.category}"] if self.category else []
        return " ".join(parts)

    def targets(self, calendar: BusinessCalendar) -> Targets:
        return Targets(
            self.response.in_calendar(calendar),
            self.resolution.in_calendar(calendar),
            self.warn_share,
        )


DEFAULT_POLICIES = (
    SlaPolicy(Priority.P1, WorkDuration(minutes=30), WorkDuration(minutes=4 * 60)),
    SlaPolicy(Priority.P2, WorkDuration(minutes=2 * 60), WorkDuration(days=1)),
    SlaPolicy(Priority.P3, WorkDuration(minutes=8 * 60), WorkDuration(days=3)),
    SlaPolicy(Priority.P4, WorkDuration(days=1), WorkDuration(days=5)),
)


def pick_policy(
    policies: Sequence[SlaPolicy],
    *,
    priority: Priority,
    ticket_type: TicketType,
    category: str | None,
) -> SlaPolicy | None:
    """The most specific policy for a ticket, or None when no policy covers its priority."""
    matching = [
        policy
        for policy in policies
        if policy.priority == priority
        and policy.ticket_type in (None, ticket_type)
        and (policy.category is None or policy.category == category)
    ]
    return max(
        matching,
        key=lambda p: (p.category is not None, p.ticket_type is not None),
        default=None,
    )


def raised(priority: Priority) -> Priority:
    """One step more urgent; P1 stays P1."""
    return Priority(f"P{max(priority.rank - 1, 1)}")


def parse_share(text: str) -> float:
    """``75%``, ``75`` or ``0.75`` → 0.75."""
    raw = (text or "").strip().rstrip("%").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(
            "'{text}' is not a percentage; write e.g. 75%.", text=text
        ) from None
    share = value / 100 if value > 1 else value
    if not 0 < share < 1:
        raise ConfigurationError(
            "The warning share must be between 0 % and 100 %, not {text}.", text=text
        )
    return share
