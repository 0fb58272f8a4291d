from __future__ import annotations

import pytest

from core.domain.enums import Level, Priority
from core.domain.priority import parse_priority, priority_for
from core.errors import InvalidInput


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        (Level.HIGH, Level.HIGH, Priority.P1),
        (Level.HIGH, Level.MEDIUM, Priority.P2),
        (Level.MEDIUM, Level.HIGH, Priority.P2),
        (Level.MEDIUM, Level.MEDIUM, Priority.P3),
        (Level.HIGH, Level.LOW, Priority.P3),
        (Level.LOW, Level.HIGH, Priority.P3),
        (Level.MEDIUM, Level.LOW, Priority.P4),
        (Level.LOW, Level.MEDIUM, Priority.P4),
        (Level.LOW, Level.LOW, Priority.P4),
    ],
)
def test_matrix(impact: Level, urgency: Level, expected: Priority) -> None:
    assert priority_for(impact, urgency) is expected


def test_parse_priority_accepts_any_case_and_rejects_nonsense() -> None:
    assert parse_priority(" p2 ") is Priority.P2
    with pytest.raises(InvalidInput, match="P1, P2, P3 or P4"):
        parse_priority("urgent")
