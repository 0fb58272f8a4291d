"""Every (from, to) pair of statuses is either allowed or rejected with a readable error."""

from __future__ import annotations

import itertools

import pytest

from core.domain.enums import TicketStatus as S
from core.domain.status import check_transition
from core.errors import InvalidTransition

# Written out independently of core.domain.status.TRANSITIONS, so a change to the table
# has to be made (and reviewed) in two places.
ALLOWED = {
    (S.NEW, S.OPEN),
    (S.NEW, S.ASSIGNED),
    (S.NEW, S.RESOLVED),
    (S.NEW, S.CLOSED),
    (S.OPEN, S.ASSIGNED),
    (S.OPEN, S.RESOLVED),
    (S.OPEN, S.CLOSED),
    (S.ASSIGNED, S.OPEN),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.ASSIGNED, S.WAITING),
    (S.ASSIGNED, S.RESOLVED),
    (S.ASSIGNED, S.CLOSED),
    (S.IN_PROGRESS, S.OPEN),
    (S.IN_PROGRESS, S.WAITING),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.CLOSED),
    (S.WAITING, S.OPEN),
    (S.WAITING, S.IN_PROGRESS),
    (S.WAITING, S.RESOLVED),
    (S.WAITING, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.RESOLVED, S.OPEN),
    (S.RESOLVED, S.CLOSED),
    # Reopening a closed ticket is for agents only (workflow.reopen checks the role).
    (S.CLOSED, S.IN_PROGRESS),
    (S.CLOSED, S.OPEN),
}
ALL_PAIRS = list(itertools.product(S, S))


def test_the_table_covers_every_status() -> None:
    assert len(ALL_PAIRS) == 49


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_transition(current: S, target: S) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target, number=1001)
    else:
        with pytest.raises(InvalidTransition) as error:
            check_transition(current, target, number=1001)
        assert "#1001" in str(error.value)
        assert current.value.replace("_", " ") in str(error.value) or current.value in str(
            error.value
        )


def test_closed_goes_nowhere_but_back_to_work() -> None:
    with pytest.raises(InvalidTransition, match="allowed: in_progress, open"):
        check_transition(S.CLOSED, S.RESOLVED, number=7)
