"""Who gets a new ticket: each group chooses manual claiming, round-robin or least-loaded.

Only available agents are candidates: active, members of the group, and not away. Round-robin
takes the next candidate after the one who got the group's previous ticket (by person id,
wrapping around); least-loaded takes the candidate with the fewest active tickets (ties: the
lower id). Going away hands back the agent's unstarted tickets (assigned, no reply yet): to the
queue, or to another available agent when the group says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class AssignmentMode(StrEnum):
    MANUAL = "manual"  # agents claim
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


class AwayAction(StrEnum):
    """What happens to an agent's unstarted tickets when they go away."""

    RELEASE = "release"  # back to the group's queue
    REASSIGN = "reassign"  # to another available agent, by the group's mode


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: int
    active_tickets: int = 0


def choose_assignee(
    mode: AssignmentMode,
    candidates: Sequence[Candidate],
    *,
    last_assigned_id: int | None,
) -> int | None:
    """The person to assign, or None (manual mode, or nobody available)."""
    if mode == AssignmentMode.MANUAL or not candidates:
        return None
    if mode == AssignmentMode.LEAST_LOADED:
        return min(candidates, key=lambda c: (c.active_tickets, c.person_id)).person_id
    ordered = sorted(c.person_id for c in candidates)
    after = [pid for pid in ordered if last_assigned_id is not None and pid > last_assigned_id]
    return (after or ordered)[0]
