"""'Test a question': what the live suggestion index does with a question, and why.

The ranked articles with their scores, the threshold, whether the bot would answer or go
straight to a ticket, and for each article which of the question's words it holds (in its
title, tags or phrasings, or only in its body) and its closest phrasing. A draft (or unsaved
edits of an article) can take part as if it were published: it is put into the index for the
duration of the call and taken out again before anything else can run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from core.domain.knowledge import Article
from core.ports import UnitOfWork
from core.services.knowledge_index import KnowledgeBase, indexed
from kb.engine import SuggestionEngine
from kb.normalize import tokenize

QUESTION_MAX = 2_000
ROWS = 10
PHRASING_SHOWN = 60  # token-set similarity (0-100) from which the closest phrasing is named


@dataclass(frozen=True, slots=True)
class TrialRow:
    article_id: str
    score: float
    shown: bool  # the bot would show it
    key_words: list[str] = field(default_factory=list)  # question words in title/tags/phrasings
    body_words: list[str] = field(default_factory=list)  # question words only in the body
    phrasing: str | None = None
    phrasing_similarity: int = 0
    is_trial: bool = False  # the draft being tested


@dataclass(frozen=True, slots=True)
class Trial:
    question: str
    language: str | None
    threshold: float
    answers: bool  # True: suggestions are shown; False: straight to a new ticket
    rows: list[TrialRow]
    unknown_words: list[str]  # words no article uses (typos the index could not place)
    articles: dict[str, Article] = field(default_factory=dict)


def _words_by_term(engine: SuggestionEngine, question: str) -> dict[str, str]:
    """Each analysed term of the question and the question word it came from."""
    found: dict[str, str] = {}
    for word in dict.fromkeys(tokenize(question)):
        for term in engine.analyse(word).terms:
            found.setdefault(term, word)
    return found


def _terms(engine: SuggestionEngine, *texts: str) -> set[str]:
    return {term for text in texts if text for term in engine.analyse(text).terms}


def _explain(
    engine: SuggestionEngine, question: str, words: dict[str, str], article: Article | None
) -> tuple[list[str], list[str], str | None, int]:
    if article is None:
        return [], [], None, 0
    key = _terms(engine, article.title, " ".join(article.tags), *article.phrasings)
    body = _terms(engine, article.body)
    key_words = sorted({w for t, w in words.items() if t in key})
    body_words = sorted(
        {w for t, w in words.items() if t in body and t not in key} - set(key_words)
    )
    best, similarity = None, 0
    for phrasing in article.phrasings:
        score = int(fuzz.token_set_ratio(question.lower(), phrasing.lower()))
        if score > similarity:
            best, similarity = phrasing, score
    if similarity < PHRASING_SHOWN:
        best = None
    return key_words, body_words, best, similarity


async def try_question(
    uow: UnitOfWork,
    kb: KnowledgeBase,
    *,
    question: str,
    language: str | None = None,
    draft: Article | None = None,
) -> Trial:
    """Run ``question`` through the live index (with ``draft`` in it, if given). Logs nothing
    and counts nothing: a test is not a suggestion."""
    text = question.strip()[:QUESTION_MAX]
    engine = kb.engine
    stored = await uow.articles.get(draft.id) if draft is not None else None
    if draft is not None:
        engine.upsert(indexed(draft))
    try:
        analysis = engine.analyse(text) if text else None
        candidates = engine.candidates(text, language=language) if text else []
        shown = {s.article_id: s.score for s in engine.suggest(text, language=language)}
    finally:
        if draft is not None:
            if stored is not None:
                kb.refresh(stored)
            else:
                engine.remove(draft.id)
    words = _words_by_term(engine, text) if text else {}
    ranked = candidates[:ROWS]
    articles = {a.id: a for a in [await uow.articles.get(c.article_id) for c in ranked] if a}
    if draft is not None:
        articles[draft.id] = draft
    rows = []
    for candidate in ranked:
        key_words, body_words, phrasing, similarity = _explain(
            engine, text, words, articles.get(candidate.article_id)
        )
        rows.append(
            TrialRow(
                article_id=candidate.article_id,
                score=round(candidate.confidence, 3),
                shown=candidate.article_id in shown,
                key_words=key_words,
                body_words=body_words,
                phrasing=phrasing,
                phrasing_similarity=similarity,
                is_trial=draft is not None and candidate.article_id == draft.id,
            )
        )
    return Trial(
        question=text,
        language=language or (analysis.language if analysis else None),
        threshold=engine.threshold,
        answers=bool(shown),
        rows=rows,
        unknown_words=sorted(set(analysis.unknown)) if analysis else [],
        articles=articles,
    )
