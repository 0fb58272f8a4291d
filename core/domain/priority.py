"""Priority from impact × urgency (the ITIL priority matrix, folded to four levels)."""

from __future__ import annotations

from core.domain.enums import Level, Priority
from core.i18n import N_

_MATRIX: dict[tuple[Level, Level], Priority] = {
    (Level.HIGH, Level.HIGH): Priority.P1,
    (Level.HIGH, Level.MEDIUM): Priority.P2,
    (Level.MEDIUM, Level.HIGH): Priority.P2,
    (Level.HIGH, Level.LOW): Priority.P3,
    (Level.MEDIUM, Level.MEDIUM): Priority.P3,
    (Level.LOW, Level.HIGH): Priority.P3,
    (Level.MEDIUM, Level.LOW): Priority.P4,
    (Level.LOW, Level.MEDIUM): Priority.P4,
    (Level.LOW, Level.LOW): Priority.P4,
}


# What employees see: plain words, never P1-P4 ("P4" reads as "you are last").
PRIORITY_WORDS: dict[Priority, str] = {
    Priority.P1: N_("urgent"),
    Priority.P2: N_("high"),
    Priority.P3: N_("normal"),
    Priority.P4: N_("low"),
}


def priority_for(impact: Level, urgency: Level) -> Priority:
    """Impact: how many people or how much of the business is affected; urgency: how soon it hurts."""
    return _MATRIX[(impact, urgency)]


def parse_priority(value: str) -> Priority:
    from core.errors import InvalidInput

    try:
        return Priority(value.strip().upper())
    except ValueError:
        raise InvalidInput(
            "Unknown priority '{value}'; use P1, P2, P3 or P4.", value=value
        ) from None
