"""Which confirmed questions make phrasings an article can learn (pure functions).

A question that an article answered ("this solved it", or an agent sending the article to
the requester) is a candidate phrasing of that article.  Not every question makes a good
one: a long message carries its whole story, and a one-word message says little; those are
skipped.  Near-identical questions (same words, any order or a typo apart) are one candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from kb.documents import ArticleText
from kb.normalize import normalize, tokenize

__all__ = ["MAX_PHRASING_CHARS", "MIN_WORDS", "candidate_text", "same_candidate", "taught"]

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


def taught(
    articles: Sequence[ArticleText],
    confirmed: Iterable[tuple[str, str]],
    read: Callable[[str], str] | None = None,
) -> list[ArticleText]:
    """The articles with the phrasings *confirmed* (question, article id) pairs teach them, as a
    curator accepting every candidate would add them (the learning simulation's step); *read*
    is how the index reads a question (``SuggestionEngine.reading``), the form phrasings keep."""
    phrasings: dict[str, list[str]] = {a.id: list(a.phrasings) for a in articles}
    for question, article_id in confirmed:
        text = candidate_text(read(question) if read else question)
        if text is None:
            continue
        key = candidate_key(text)
        known = phrasings[article_id]
        if not any(same_candidate(key, candidate_key(p)) for p in known):
            known.append(text)
    return [replace(a, phrasings=tuple(phrasings[a.id])) for a in articles]
