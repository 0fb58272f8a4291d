"""The shipped starter knowledge base: well-formed twins in two languages that answer real questions.

The question set (tests/data/starter_kb_questions.jsonl) was written before the articles'
phrasings were tuned; no phrasing may be a near copy of one of its questions, so the figures
measure matching, not memory.
"""

from __future__ import annotations

import re

import pytest
from rapidfuzz import fuzz

from chatdesk.starter_kb import shipped_files
from kb.encoder import Encoder
from kb.engine import SuggestionEngine
from kb.markdown_files import ArticleFile, article_text, parse_article_file, render_article_file
from tests.unit.kb.question_sets import DATA, assert_figures, load_questions

QUESTIONS = load_questions(DATA / "starter_kb_questions.jsonl")
FILES = shipped_files()
ARTICLES: dict[str, ArticleFile] = {name: parse_article_file(text) for name, text in FILES}
BY_ID = {a.id: a for a in ARTICLES.values()}
CLOSING = {"en": "**If this doesn't help:**", "ru": "**Если это не помогло:**"}
NEAR_COPY = 85  # token-sort similarity (0-100) at which a phrasing counts as a copied question


def test_files_are_canonical_and_named_after_their_ids() -> None:
    assert len(FILES) >= 40
    for name, text in FILES:
        article = ARTICLES[name]
        assert name == f"{article.id}.md"
        assert render_article_file(article) == text, f"{name} is not in canonical form"
        assert article.status == "published"


def test_every_article_has_a_twin_in_the_other_language() -> None:
    english = {a.id for a in BY_ID.values() if a.language == "en"}
    russian = {a.id for a in BY_ID.values() if a.language == "ru"}
    assert {f"{i}-ru" for i in english} == russian
    for article_id in english:
        en, ru = BY_ID[article_id], BY_ID[f"{article_id}-ru"]
        assert en.category == ru.category, article_id
        assert re.search(r"[а-яё]", ru.title.lower()), f"{ru.id} has no Russian title"
        assert not re.search(r"[а-яё]", en.body.lower()), f"{en.id} has Cyrillic in its body"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article_is_short_practical_and_ends_with_how_to_reach_us(name: str) -> None:
    article = ARTICLES[name]
    words = len(article.body.split())
    assert 80 <= words <= 320, f"{words} words"
    steps = re.search(r"^1\. ", article.body, re.MULTILINE) or article.body.count("**") >= 8
    assert steps, "neither numbered steps nor a section per app"
    assert article.body.rstrip().splitlines()[-1].startswith(CLOSING[article.language])
    assert len(article.tags) >= 4 and len(article.phrasings) >= 4


def test_question_set_covers_the_base_and_was_not_copied_into_it() -> None:
    expected = {q["expected"] for q in QUESTIONS if q["expected"]}
    assert expected <= set(BY_ID)
    assert sum(1 for q in QUESTIONS if q["expected"] is None) >= 5
    assert {q["lang"] for q in QUESTIONS} == {"en", "ru", "mixed"}
    copies = [
        (article.id, phrasing, q["q"])
        for article in BY_ID.values()
        for phrasing in article.phrasings
        for q in QUESTIONS
        if fuzz.token_sort_ratio(phrasing.casefold(), q["q"].casefold()) >= NEAR_COPY
    ]
    assert copies == []


def test_the_starter_base_answers_its_question_set() -> None:
    # Measured when written: hit@1 0.985, hit@3 1.000, MRR 0.992, out-of-scope rejection 0.714
    # (66 questions with an answer, 7 without); since phrasings are no longer key terms (see
    # kb/index.py: KEY_FIELDS), hit@1 0.955, MRR 0.977. The two out-of-scope misses ask about
    # leave ("vacation days", "оформить отпуск") and get the out-of-office article.
    engine = SuggestionEngine(article_text(a) for a in BY_ID.values())
    assert_figures(engine, QUESTIONS, hit_at_1=0.9, hit_at_3=0.95, oos_rejection=0.7)


def test_the_starter_base_answers_its_question_set_with_the_semantic_signal(
    encoder: Encoder,
) -> None:
    """As shipped (semantic signal on), measured: hit@1 0.955 (63 of 66), hit@3 0.970 (64 of 66,
    just under the issue-8 target of 0.97), MRR 0.962, out-of-scope rejection 0.714 (5 of 7,
    under the 0.85 target: the fusion was fitted on the dataset's sets, never on this one). The
    floors are those figures less one question (hit@1 stays above the 0.92 target)."""
    engine = SuggestionEngine((article_text(a) for a in BY_ID.values()), encoder=encoder)
    assert engine.semantic_ready
    assert_figures(
        engine,
        QUESTIONS,
        hit_at_1=62 / 66 - 1e-9,
        hit_at_3=63 / 66 - 1e-9,
        oos_rejection=4 / 7 - 1e-9,
    )
