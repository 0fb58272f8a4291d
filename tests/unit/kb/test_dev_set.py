"""The whole dev set, with the project's quality targets as assertions."""

from __future__ import annotations

from typing import Any

from kb.engine import SuggestionEngine
from kb.evaluation import evaluate

HIT_AT_1 = 0.85
HIT_AT_3 = 0.95
OOS_REJECTION = 0.80


def test_dev_set_meets_targets(
    kb_engine: SuggestionEngine, dev_questions: list[dict[str, Any]]
) -> None:
    result = evaluate(dev_questions, kb_engine.suggest)
    m = result.overall
    report = (
        f"hit@1={m.hit_at_1:.3f} hit@3={m.hit_at_3:.3f} mrr={m.mrr:.3f} "
        f"oos_rejection={m.oos_rejection:.3f} (n={m.n}, oos={m.n_oos})"
    )
    assert m.n + m.n_oos == len(dev_questions)
    assert m.hit_at_1 >= HIT_AT_1, report
    assert m.hit_at_3 >= HIT_AT_3, report
    assert m.oos_rejection >= OOS_REJECTION, report


def test_every_dev_answer_is_a_known_article(
    kb_engine: SuggestionEngine, dev_questions: list[dict[str, Any]]
) -> None:
    for question in dev_questions:
        if question["expected"] is not None:
            assert question["expected"] in kb_engine
