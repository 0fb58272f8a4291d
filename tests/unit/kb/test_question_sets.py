"""Every labelled question set, with the figures each engine reaches asserted as regression floors.

Sets: the dataset's dev set; ``kb_questions_extra.jsonl`` (150, written from the
articles in session 1); ``kb_questions_oos_check.jsonl`` (40, near-topic
out-of-scope requests); ``kb_questions_frozen.jsonl`` (256, committed in
12d9e8c before any issue-8 tuning); ``kb_questions_fit2.jsonl`` (330, 156 out of scope,
written from the articles and the dataset README to give the out-of-scope fit more labelled
questions; not fitted on by the shipped parameters, so its figures are held-out ones too).  The rank mix and the answer/out-of-scope
decision were fitted by ``bench/kb_fit.py`` by cross-validation over dev, extra
and check; the frozen set is never used to fit, so its figures are held-out ones.

The floors are the figures reached, less one question (BLAS rounding on
another machine may move a borderline question): a regression fails, but they
are NOT the issue-8 targets (hit@1 >= 0.92, hit@3 >= 0.97, out-of-scope
rejection >= 0.85 on every set, dev-frozen gap <= 0.03).  With the semantic
signal these targets are unmet: hit@3 on dev (0.953) and frozen (0.945), hit@1
on frozen (0.914), rejection on frozen (0.778), and the dev-frozen rejection
gap (0.190); rejection on fit2 (0.705).  ``ISSUE_TARGETS_MET`` lists what is met and
is asserted too, so a regression below a met target fails by name.
"""

from __future__ import annotations

from typing import Any

import pytest

from kb.engine import SuggestionEngine
from kb.evaluation import evaluate
from tests.unit.kb.question_sets import DATA, assert_figures, load_questions

SET_FILES = {
    "extra": DATA / "kb_questions_extra.jsonl",
    "check": DATA / "kb_questions_oos_check.jsonl",
    "frozen": DATA / "kb_questions_frozen.jsonl",
    "fit2": DATA / "kb_questions_fit2.jsonl",
}
SIZES = {
    "dev": (169, 31),
    "extra": (127, 23),
    "check": (20, 20),
    "frozen": (220, 36),
    "fit2": (174, 156),
}
# set -> (hit@1, hit@3, out-of-scope rejection) reached, as shipped (semantic signal on)
FUSED = {
    "dev": (0.929, 0.953, 0.968),
    "extra": (0.937, 0.984, 0.870),
    "check": (1.000, 1.000, 0.900),
    "frozen": (0.914, 0.945, 0.778),
    "fit2": (0.943, 0.983, 0.705),
}
# the same with CHATDESK_KB_SEMANTIC=off (the lexical engine, translation groups on)
LEXICAL = {
    "dev": (0.888, 0.941, 0.935),
    "extra": (0.882, 0.953, 0.870),
    "check": (0.900, 0.950, 0.850),
    "frozen": (0.850, 0.909, 0.806),
    "fit2": (0.914, 0.971, 0.724),
}
TARGETS = (0.92, 0.97, 0.85)  # issue 8: hit@1, hit@3, out-of-scope rejection, on every set
# (set, figure index) pairs of the fused engine that meet the issue-8 target
ISSUE_TARGETS_MET = [
    (name, i) for name, reached in FUSED.items() for i in range(3) if reached[i] >= TARGETS[i]
]
# dev - frozen, as reached (fused): hit@1, hit@3, rejection (issue-8 target: each <= 0.03)
GAP = (0.015, 0.007, 0.190)


@pytest.fixture(scope="module")
def question_sets(dev_questions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"dev": dev_questions, **{k: load_questions(p) for k, p in SET_FILES.items()}}


def _bounds(
    reached: tuple[float, float, float], name: str, *, keep_targets: bool = False
) -> dict[str, float]:
    """One question below each figure reached; with *keep_targets*, never below an issue
    target the figure meets."""
    n, n_oos = SIZES[name]
    floors = [figure - 1 / size - 1e-9 for figure, size in zip(reached, (n, n, n_oos), strict=True)]
    if keep_targets:
        floors = [
            max(floor, target) if figure >= target else floor
            for floor, figure, target in zip(floors, reached, TARGETS, strict=True)
        ]
    return dict(zip(("hit_at_1", "hit_at_3", "oos_rejection"), floors, strict=True))


@pytest.mark.parametrize("name", list(FUSED))
def test_fused_engine_holds_its_figures(
    name: str, kb_fused_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    bounds = _bounds(FUSED[name], name, keep_targets=True)
    assert_figures(kb_fused_engine, question_sets[name], **bounds)


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
    """hit@1 is higher with the semantic signal on every set (check: 1.0); rejection is not
    (frozen: 0.778 against the lexical engine's 0.806; fit2: 0.705 against 0.724), which the notes record."""
    for name, reached in FUSED.items():
        assert reached[0] > LEXICAL[name][0]
        assert reached[1] >= LEXICAL[name][1]


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


def test_every_article_is_expected_by_the_frozen_extra_and_fit2_sets(
    kb_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    for name in ("extra", "frozen", "fit2"):
        expected = {q["expected"] for q in question_sets[name] if q["expected"] is not None}
        assert len(expected) == len(kb_engine)


def test_the_met_issue_targets_are_the_expected_ones() -> None:
    """What the shipped engine meets of the issue-8 targets (the rest is recorded unmet)."""
    assert ISSUE_TARGETS_MET == [
        ("dev", 0), ("dev", 2), ("extra", 0), ("extra", 1), ("extra", 2), ("check", 0),
        ("check", 1), ("check", 2), ("fit2", 0), ("fit2", 1),
    ]  # fmt: skip


def test_dev_frozen_gap_holds(
    kb_fused_engine: SuggestionEngine, question_sets: dict[str, list[dict[str, Any]]]
) -> None:
    """The dev-frozen gap (the held-out estimate of over-fitting) stays where it is: hit@1 and
    hit@3 within the issue's 0.03, rejection not (0.190, recorded), each plus one question."""
    dev = evaluate(question_sets["dev"], kb_fused_engine.suggest).overall
    frozen = evaluate(question_sets["frozen"], kb_fused_engine.suggest).overall
    gaps = (
        dev.hit_at_1 - frozen.hit_at_1,
        dev.hit_at_3 - frozen.hit_at_3,
        dev.oos_rejection - frozen.oos_rejection,
    )
    slack = (1 / 169 + 1 / 220, 1 / 169 + 1 / 220, 1 / 31 + 1 / 36)
    for gap, reached, one in zip(gaps, GAP, slack, strict=True):
        assert gap <= reached + one + 1e-9, gaps
    assert gaps[0] <= 0.03 + slack[0] and gaps[1] <= 0.03 + slack[1], gaps
