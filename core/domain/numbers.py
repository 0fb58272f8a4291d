"""The one parser for numbers that come from people and platforms: ticket numbers typed in a
command or a URL, ids packed into button data.

Only ASCII digits count (``str.isdigit`` also accepts "¹⁰⁰¹" and "١٢٣"), and a number must fit
the 64-bit signed column it is looked up in, so nothing odd ever reaches the database.
"""

from __future__ import annotations

COLUMN_MAX = 2**63 - 1  # tickets.number and every id column are 64-bit signed integers
_MAX_DIGITS = len(str(COLUMN_MAX))


def parse_positive(text: str, *, maximum: int = COLUMN_MAX) -> int | None:
    """``text`` as an integer in 1…``maximum``, or None unless it is plain ASCII digits in range."""
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def parse_ticket_number(text: str) -> int | None:
    """A ticket number as people write it ("1001" or "#1001"), or None."""
    return parse_positive(text.strip().removeprefix("#"))


def looks_like_a_number(text: str) -> bool:
    """True for digits of any script or size ("¹⁰⁰¹", 25 digits): meant as a ticket number even
    when it cannot be one, so the answer is "no such ticket" rather than a usage hint."""
    word = text.strip().removeprefix("#")
    return bool(word) and all(char.isdigit() or char.isdecimal() for char in word)
