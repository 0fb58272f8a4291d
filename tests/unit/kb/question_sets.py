"""Loading labelled question sets and checking the engine's figures on them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.engine import SuggestionEngine
from kb.evaluation import Metrics, evaluate

DATA = Path(__file__).resolve().parents[2] / "data"


def load_questions(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def assert_figures(
    engine: SuggestionEngine,
    questions: Sequence[dict[str, Any]],
    *,
    hit_at_1: float,
    hit_at_3: float,
    oos_rejection: float,
) -> Metrics:
    """Evaluate and assert each figure reaches its bound; the message shows all figures."""
    m = evaluate(questions, engine.suggest).overall
    report = (
        f"hit@1={m.hit_at_1:.3f} hit@3={m.hit_at_3:.3f} mrr={m.mrr:.3f} "
        f"oos_rejection={m.oos_rejection:.3f} (n={m.n}, oos={m.n_oos})"
    )
    assert m.n + m.n_oos == len(questions)
    assert m.hit_at_1 >= hit_at_1, report
    assert m.hit_at_3 >= hit_at_3, report
    assert m.oos_rejection >= oos_rejection, report
    return m
