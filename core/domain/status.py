"""The ticket status machine: one explicit table of allowed transitions."""

from __future__ import annotations

from core.domain.enums import TicketStatus as S
from core.errors import InvalidTransition

TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.OPEN, S.ASSIGNED, S.RESOLVED, S.CLOSED}),
    S.OPEN: frozenset({S.ASSIGNED, S.RESOLVED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.OPEN, S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.WAITING, S.RESOLVED, S.CLOSED}),
    S.WAITING: frozenset({S.OPEN, S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
    # Reopening goes back to the owner's work, or to the queue when nobody owns it.
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.OPEN, S.CLOSED}),
    # Closed is final for the requester; only an agent may reopen it (workflow.reopen checks).
    S.CLOSED: frozenset({S.IN_PROGRESS, S.OPEN}),
}
REOPEN_FROM = frozenset({S.RESOLVED, S.CLOSED})


def can_transition(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: S, target: S, *, number: int) -> None:
    """Raise :class:`InvalidTransition` with a readable reason unless ``current → target`` is allowed."""
    if current == target:
        raise InvalidTransition(
            "Ticket #{number} is already {status}.", number=number, status=current
        )
    if not can_transition(current, target):
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (it is final)"
        raise InvalidTransition(
            "Ticket #{number} cannot go from {current} to {target}; allowed: {allowed}.",
            number=number,
            current=current.value,
            target=target.value,
            allowed=allowed,
        )
