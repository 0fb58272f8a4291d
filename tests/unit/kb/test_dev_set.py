"""The whole dev set, with the project's quality targets as assertions."""

from __future__ import annotations

from typing import Any

from kb.engine import SuggestionEngine
from tests.unit.kb.question_sets import assert_figures

HIT_AT_1 = 0.85
HIT_AT_3 = 0.95
OOS_REJECTION = 0.80


def test_dev_set_meets_targets(
    kb_engine: SuggestionEngine, dev_questions: list[dict[str, Any]]
) -> None:
    assert_figures(
        kb_engine, dev_questions, hit_at_1=HIT_AT_1, hit_at_3=HIT_AT_3, oos_rejection=OOS_REJECTION
    )


def test_every_dev_answer_is_a_known_article(
    kb_engine: SuggestionEngine, dev_questions: list[dict[str, Any]]
) -> None:
    for question in dev_questions:
        if question["expected"] is not None:
            assert question["expected"] in kb_engine
