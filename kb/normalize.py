"""Text normalisation and tokenisation shared by indexing and querying."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

__all__ = ["has_cyrillic", "is_cyrillic", "normalize", "split_sentences", "tokenize"]

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Fast path for the common case (only ASCII and Cyrillic): explicit classes are
# cheaper for the regex engine than Unicode \w look-ups.
_FAST_TOKEN_RE = re.compile(r"[0-9a-zа-я]+")
# Characters that are never part of a token may also take the fast path (common
# typographic punctuation of Russian and English texts).
_NOT_FAST_RE = re.compile(r"[^\x00-\x7fа-я–—«»→“”•„‹›·×°±]")
_SENTENCE_RE = re.compile(r"(?<=[.!?;…])\s+|\n+|\s+(?:but|но|а|however|однако)\s+", re.IGNORECASE)
_CYRILLIC_RE = re.compile(r"[а-я]")
_APOSTROPHES = ("’", "ʼ", "`", "‘")


def normalize(text: str) -> str:
    """Lower-case, fold ё→е and compatibility forms, drop punctuation, collapse spaces.

    Apostrophes inside words are dropped ("can't" -> "cant"); every other
    non-alphanumeric character becomes a space.
    """
    return " ".join(tokenize(text))


def _words(lowered: str) -> list[str]:
    if _NOT_FAST_RE.search(lowered) is None:
        return _FAST_TOKEN_RE.findall(lowered)
    return _TOKEN_RE.findall(lowered)


def tokenize(text: str) -> list[str]:
    """Normalised word tokens of *text* (letters and digits, no punctuation)."""
    return _words(normalize_case(text))


def normalize_case(text: str) -> str:
    """:func:`normalize` without the tokenising step (punctuation kept)."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        for apostrophe in _APOSTROPHES:
            text = text.replace(apostrophe, "'")
    text = text.lower().replace("ё", "е")
    if "'" in text:
        text = _drop_inner_apostrophes(text)
    return text


def _is_word_char(ch: str) -> bool:
    """Same as the regex class ``\\w`` for one character."""
    return ch.isalnum() or ch == "_"


def _drop_inner_apostrophes(text: str) -> str:
    """Remove apostrophes between two word characters ("can't" -> "cant").

    Equivalent to ``re.sub(r"(?<=\\w)'(?=\\w)", "", text)``, but a text has
    few apostrophes, so splitting on them beats a regex scan of the text.
    """
    parts = text.split("'")
    pieces = [parts[0]]
    for before, after in pairwise(parts):
        if not (before and after and _is_word_char(before[-1]) and _is_word_char(after[0])):
            pieces.append("'")
        pieces.append(after)
    return "".join(pieces)


def is_cyrillic(token: str) -> bool:
    """True when the token contains at least one Cyrillic letter."""
    return _CYRILLIC_RE.search(token) is not None


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC_RE.search(text.lower()) is not None


def split_sentences(text: str, limit: int = 40) -> list[str]:
    """Sentences (and "but"-clauses) of a message, at most *limit*, non-empty."""
    parts = (p.strip() for p in _SENTENCE_RE.split(text))
    return [p for p in parts if p][:limit]
