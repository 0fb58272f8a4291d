"""Which confirmed questions make phrasings an article can learn (pure functions).

A question that an article answered ("this solved it", or an agent sending the article to
the requester) is a candidate phrasing of that article.  Not every question makes a good
one: a long message carries its whole story, and a one-word message says little; those are
skipped.  Near-identical questions (same words, any order or a typo apart) are one candidate.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from kb.normalize import normalize, tokenize

__all__ = ["MAX_PHRASING_CHARS", "MIN_WORDS", "candidate_text", "same_candidate"]

MIN_WORDS = 2
MAX_WORDS = 20
MAX_PHRASING_CHARS = 200
NEAR_IDENTICAL = 90  # token-sort similarity (0-100) at which two questions are one candidate


def candidate_text(question: str) -> str | None:
    """The question as a phrasing (spaces collapsed), or None when it would make a poor one."""
    text = " ".join(question.split())
    words = tokenize(text)
    if not (MIN_WORDS <= len(words) <= MAX_WORDS) or len(text) > MAX_PHRASING_CHARS:
        return None
    return text


def candidate_key(text: str) -> str:
    """What near-identical questions share (compared with :func:`same_candidate`)."""
    return normalize(text)[:500]


def same_candidate(key: str, other: str) -> bool:
    return key == other or fuzz.token_sort_ratio(key, other) >= NEAR_IDENTICAL
