from __future__ import annotations

from kb.engine import Suggestion
from kb.evaluation import evaluate

QUESTIONS = [
    {"q": "a", "lang": "en", "expected": "x"},
    {"q": "b", "lang": "en", "expected": "y"},
    {"q": "c", "lang": "ru", "expected": "z"},
    {"q": "d", "lang": "ru", "expected": None},
    {"q": "e", "lang": "en", "expected": None},
]
ANSWERS = {"a": ["x", "y"], "b": ["x", "q", "y"], "c": ["q"], "d": [], "e": ["x"]}


def test_metrics_and_breakdown() -> None:
    result = evaluate(QUESTIONS, lambda text: ANSWERS[text])
    m = result.overall
    assert (m.n, m.n_oos) == (3, 2)
    assert m.hit_at_1 == 1 / 3
    assert m.hit_at_3 == 2 / 3
    assert abs(m.mrr - (1 + 1 / 3) / 3) < 1e-9
    assert m.oos_rejection == 0.5
    assert set(result.by_language) == {"en", "ru"}
    assert result.by_language["ru"].oos_rejection == 1.0
    assert result.by_language["en"].hit_at_3 == 1.0
    assert len(result.misses) == 3


def test_accepts_suggestion_objects() -> None:
    result = evaluate(QUESTIONS[:1], lambda text: [Suggestion("x", 0.9)])
    assert result.overall.hit_at_1 == 1.0
    assert result.overall.oos_rejection == 1.0  # no out-of-scope questions
