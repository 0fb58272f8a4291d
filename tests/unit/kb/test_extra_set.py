"""An independent question set (tests/data/kb_questions_extra.jsonl), written
from the articles without looking at the dev questions, checked against the
project's quality targets.  It guards against tuning the engine to dev alone.

Out-of-scope rejection was below the 0.80 target when the set was written
(0.739 = 17 of 23: near-topic requests sharing one word with an article).  The
in-scope check of ``kb.ranking.scope_confidence`` (an answer sharing a single
term with a question that says more is discounted) raised it to 0.870 (20 of
23) without changing hit@1, hit@3 or MRR, so the assertion is the real target.
"""

from __future__ import annotations

from typing import Any

import pytest

from kb.engine import SuggestionEngine
from tests.unit.kb.question_sets import DATA, assert_figures, load_questions

EXTRA_SET = DATA / "kb_questions_extra.jsonl"

HIT_AT_1 = 0.85
HIT_AT_3 = 0.95
OOS_REJECTION = 0.80  # the project target; reached 0.870 - see the module docstring


@pytest.fixture(scope="module")
def extra_questions() -> list[dict[str, Any]]:
    return load_questions(EXTRA_SET)


def test_extra_set_meets_targets(
    kb_engine: SuggestionEngine, extra_questions: list[dict[str, Any]]
) -> None:
    assert_figures(
        kb_engine,
        extra_questions,
        hit_at_1=HIT_AT_1,
        hit_at_3=HIT_AT_3,
        oos_rejection=OOS_REJECTION,
    )


def test_extra_set_is_well_formed(
    kb_engine: SuggestionEngine, extra_questions: list[dict[str, Any]]
) -> None:
    assert len(extra_questions) == 150
    expected = {q["expected"] for q in extra_questions if q["expected"] is not None}
    assert all(article_id in kb_engine for article_id in expected)
    assert len(expected) == len(kb_engine)  # every article is expected at least once
    for question in extra_questions:
        assert question["lang"] in ("en", "ru", "mixed")
        assert (question["expected"] is None) == (question["note"] == "oos")
