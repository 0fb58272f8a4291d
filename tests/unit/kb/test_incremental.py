"""The bulk build (constructor) and incremental upserts/removes give the same engine."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import kb.engine
from kb.documents import ArticleText
from kb.engine import SuggestionEngine

Ranked = list[tuple[str, float, float, float, float, float]]


def ranked(engine: SuggestionEngine, question: str) -> Ranked:
    return [
        (c.article_id, c.bm25, c.coverage, c.key_coverage, c.fuzzy, c.confidence)
        for c in engine.candidates(question)
    ]


def postings(engine: SuggestionEngine) -> dict[str, list[tuple[str, float]]]:
    """White-box view of the index: term -> [(article id, weight)], sorted."""
    index = engine._index
    out: dict[str, list[tuple[str, float]]] = {}
    for term, term_id in index._ids.items():
        ids = [engine._ids[slot] or "" for slot in index._slots[term_id]]
        out[term] = sorted(zip(ids, index._weights[term_id], strict=True))
    return out


def lexicon(engine: SuggestionEngine) -> dict[str, int]:
    """White-box view of the typo lexicon: word -> number of holders."""
    lex = engine._lexicon
    return {word: lex._counts[word_id] for word, word_id in lex._ids.items()}


@pytest.fixture(scope="module")
def sample(dev_questions: list[dict[str, Any]]) -> list[str]:
    return [q["q"] for q in dev_questions[::3]]


def one_by_one(articles: list[ArticleText]) -> SuggestionEngine:
    engine = SuggestionEngine()
    for article in articles:
        engine.upsert(article)
    return engine


def test_bulk_build_equals_upserting_one_by_one(
    articles: list[ArticleText], sample: list[str]
) -> None:
    assert len(articles) >= kb.engine.BULK_MIN  # the constructor takes the bulk path
    bulk = SuggestionEngine(articles)
    single = one_by_one(articles)
    assert len(bulk) == len(single) == len(articles)
    assert postings(bulk) == postings(single)
    assert lexicon(bulk) == lexicon(single)
    for question in sample:
        assert ranked(bulk, question) == ranked(single, question), question
        assert bulk.suggest(question) == single.suggest(question), question


def test_removed_and_readded_articles_give_the_same_suggestions(
    articles: list[ArticleText], sample: list[str]
) -> None:
    bulk = SuggestionEngine(articles)
    churned = SuggestionEngine(articles)
    gone = articles[::4]
    for article in gone:
        churned.remove(article.id)
    assert len(churned) == len(articles) - len(gone)
    gone_ids = {a.id for a in gone}
    for question in sample:
        assert not gone_ids.intersection(s.article_id for s in churned.suggest(question))
    # edit some, then put everything back as it was (freed slots get reused)
    for article in articles[1::5]:
        churned.upsert(replace(article, title="Zebra label spooler", body="Nothing here."))
    for article in reversed(gone):
        churned.upsert(article)
    for article in articles[1::5]:
        churned.upsert(article)
    assert len(churned) == len(articles)
    assert postings(churned) == postings(bulk)
    assert lexicon(churned) == lexicon(bulk)
    for question in sample:
        assert churned.suggest(question) == bulk.suggest(question), question
        mine = {c[0]: c[1:] for c in ranked(churned, question)}
        assert mine == {c[0]: c[1:] for c in ranked(bulk, question)}, question


def test_bulk_build_in_several_chunks_and_with_repeated_ids(
    articles: list[ArticleText], sample: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kb.engine, "BULK_CHUNK", 1_000)  # flush every few articles
    edited = replace(articles[0], title="Zebra label spooler")
    # a repeated id replaces the earlier version, as upserting in order would
    bulk = SuggestionEngine([edited, *articles[1:], articles[0]])
    single = one_by_one(articles)
    assert postings(bulk) == postings(single)
    for question in sample:
        assert ranked(bulk, question) == ranked(single, question), question


def test_removing_everything_leaves_an_empty_index(articles: list[ArticleText]) -> None:
    engine = SuggestionEngine(articles)
    for article in articles:
        engine.remove(article.id)
    assert len(engine) == 0
    assert postings(engine) == {}
    assert lexicon(engine) == lexicon(SuggestionEngine())
    assert engine.suggest("vpn password printer") == []
    engine.upsert(articles[0])
    assert postings(engine) == postings(SuggestionEngine([articles[0]]))
