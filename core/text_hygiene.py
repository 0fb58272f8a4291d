"""Text as people send it, made safe to store and honest about being empty.

Every messenger adapter hands the core text that came from a person; some of it cannot be
stored or means nothing:

- NUL (U+0000): PostgreSQL refuses it in text and JSON columns, so the first write of the
  turn fails. It carries nothing a person meant to say; it is removed.
- lone surrogates (U+D800-U+DFFF on their own, as a JSON ``"\\ud800"`` decodes): no encoding
  can write them. Each becomes U+FFFD, the replacement character, so the rest of the text stays.
- text made only of format characters (Unicode category Cf: zero-width spaces and joiners,
  direction marks, the BOM), whitespace and the few letters that render as nothing (Hangul
  fillers, the blank Braille pattern) looks empty to a person, so it counts as empty. Such
  characters inside real text are kept: joiners build emoji sequences and some scripts need them.

:func:`scrub` and :func:`is_blank` are the one place for these rules; the inbound processor
applies them to every event (:func:`core.intake.inbound.scrub_event`), whatever the channel.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Letters (category Lo/So) that render as nothing; often used to fake an empty name or message.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def scrub(text: str) -> str:
    """``text`` with NUL removed and lone surrogates replaced by U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub(REPLACEMENT, text)


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only whitespace, format characters and invisible
    fillers (or nothing at all)."""
    return all(
        char.isspace() or char in _INVISIBLE_LETTERS or unicodedata.category(char) == "Cf"
        for char in text
    )


def scrub_or_empty(text: str) -> str:
    """:func:`scrub`, and "" for text that :func:`is_blank`."""
    cleaned = scrub(text)
    return "" if is_blank(cleaned) else cleaned
