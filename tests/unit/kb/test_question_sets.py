"""Every labelled question set, with the figures each engine reached as assertions.

Sets: the dataset's dev set; ``kb_questions_extra.jsonl`` (150, written from the
articles in session 1); ``kb_questions_oos_check.jsonl`` (40, near-topic
out-of-scope requests); ``kb_questions_frozen.jsonl`` (256, committed in
12d9e8c before any issue-8 tuning).  The fusion parameters were fitted by
``bench/kb_fit.py`` (cross-validation over all four; its out-of-fold figures are
the estimate for unseen questions).

The bounds are the figures reached, less one question (BLAS rounding on
another machine may move a borderline question).  They are below the issue-8
targets where those were not reached: with the semantic signal, hit@3 >= 0.97
holds only on the check set and hit@1 >= 0.92 not on the frozen set (0.891),
and frozen out-of-scope rejection is 0.889 against dev's 0.968.
"""

from __future__ import annotations

from typing import Any

import pytest

from kb.engine import SuggestionEngine
from tests.unit.kb.question_sets import DATA, assert_figures, load_questions

SET_FILES = {
    "extra": DATA / "kb_questions_extra.jsonl",
    "check": DATA / "kb_questions_oos_check.jsonl",
    "frozen": DATA / "kb_questions_frozen.jsonl",
}
SIZES = {"dev": (169, 31), "extra": (127, 23), "check": (20, 20), "frozen": (220, 36)}
# set -> (hit@1, hit@3, out-of-scope rejection) reached, as shipped (semantic signal on)
FUSED = {
    "dev": (0.923, 0.941, 0.968),
    "extra": (0.929, 0.969, 0.913),
    "check": (1.000, 1.000, 0.900),
    "frozen": (0.891, 0.914, 0.889),
}
# the same with CHATDESK_KB_SEMANTIC=off (the lexical engine, translation groups on)
LEXICAL = {
    "dev": (0.899, 0.953, 0.935),
    "extra": (0.890, 0.969, 0.870),
    "check": (0.900, 0.950, 0.750),
    "frozen": (0.855, 0.923, 0.806),
}


@pytest.fixture(scope="module")
def question_sets(dev_questions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"dev": dev_questions, **{k: load_questions(p) for k, p in SET_FILES.items()}}


def _bounds(reached: tuple[float, float, float], name: str) -> dict[str, float]:
    n, n_oos = SIZES[name]
    hit1, hit3, oos = reached
    return {
        "hit_at_1": hit1 - 1 / n - 1e-9,
        "hit_at_3": hit3 - 1 / n - 1e-9,
        "oos_rejection": oos - 1 / n_oos - 1e-9,
    }


@pytest.mark.parametrize("name", list(FUSED))
def test_fused_engine_holds_its_figures(
    name: str, kb_fused_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    assert_figures(kb_fused_engine, question_sets[name], **_bounds(FUSED[name], name))


@pytest.mark.parametrize("name", list(LEXICAL))
def test_lexical_engine_holds_its_figures(
    name: str, kb_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    assert_figures(kb_engine, question_sets[name], **_bounds(LEXICAL[name], name))


def test_semantic_signal_improves_every_set(
    kb_engine: SuggestionEngine,
    kb_fused_engine: SuggestionEngine,
    question_sets: dict[str, list[dict[str, Any]]],
) -> None:
    for name, reached in FUSED.items():
        assert reached[0] > LEXICAL[name][0] or name == "check" and reached[0] == 1.0
        assert reached[2] >= LEXICAL[name][2]


@pytest.mark.parametrize("name", list(SIZES))
def test_question_set_is_well_formed(
    name: str, kb_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    questions = question_sets[name]
    n, n_oos = SIZES[name]
    assert len(questions) == n + n_oos
    assert len({q["q"] for q in questions}) == len(questions)
    for question in questions:
        assert question["lang"] in ("en", "ru", "mixed")
        assert (question["expected"] is None) == (question["note"] == "oos")
        if question["expected"] is not None:
            assert question["expected"] in kb_engine


def test_every_article_is_expected_by_the_frozen_and_extra_sets(
    kb_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    for name in ("extra", "frozen"):
        expected = {q["expected"] for q in question_sets[name] if q["expected"] is not None}
        assert len(expected) == len(kb_engine)
