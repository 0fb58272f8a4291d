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
from kb.fusion import fuse
from kb.normalize import tokenize

QUESTION_MAX = 2_000
ROWS = 10
PHRASING_SHOWN = 60  # token-set similarity (0-100) from which the closest phrasing is named


@dataclass(frozen=True, slots=True)
class TrialRow:
    article_id: str
    score: float  # the rank the engine orders by (words and meaning fused)
    shown: bool  # the bot would show it
    in_scope: float = 0.0  # how sure the engine is the question is about this at all
    lexical: float = 0.0  # the words' evidence
    semantic: float | None = None  # the meaning's (cosine), when the model is in use
    via_translation: str | None = None  # the translation that matched, when not this one
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
        params = engine.fusion
        analysis = engine.analyse(text) if text else None
        asker, groups = engine.evidence(text, language=language) if text else (language, [])
        ranked = fuse(groups, params)
        lexical = {c.article_id: c.confidence for c in engine.candidates(text, language=language)}
        shown = {s.article_id for s in engine.suggest(text, language=language)}
        semantic = engine.semantic_ready
    finally:
        if draft is not None:
            if stored is not None:
                kb.refresh(stored)
            else:
                engine.remove(draft.id)
    words = _words_by_term(engine, text) if text else {}
    top = ranked[:ROWS]
    articles = {a.id: a for a in [await uow.articles.get(g.article_id) for g in top] if a}
    if draft is not None:
        articles[draft.id] = draft
    rows = []
    for group in top:
        key_words, body_words, phrasing, similarity = _explain(
            engine, text, words, articles.get(group.article_id)
        )
        best_member = max(
            (i for i in lexical if i == group.article_id or i == group.group),
            key=lexical.__getitem__,
            default=None,
        )
        rows.append(
            TrialRow(
                article_id=group.article_id,
                score=round(group.rank, 3),
                shown=group.article_id in shown,
                in_scope=round(group.in_scope, 3),
                lexical=round(group.lexical, 3),
                semantic=round(group.semantic, 3) if semantic else None,
                via_translation=best_member
                if best_member not in (None, group.article_id)
                else None,
                key_words=key_words,
                body_words=body_words,
                phrasing=phrasing,
                phrasing_similarity=similarity,
                is_trial=draft is not None and group.article_id == draft.id,
            )
        )
    return Trial(
        question=text,
        language=asker or (analysis.language if analysis else None),
        threshold=params.threshold,
        answers=bool(shown),
        rows=rows,
        unknown_words=sorted(set(analysis.unknown)) if analysis else [],
        articles=articles,
    )
