"""Fit the fusion of the lexical and semantic signals by cross-validation.

For every question of every set (dev, extra, check, frozen) the engine's
evidence is computed once: per candidate translation group its lexical
confidence, lexical in-scope confidence and cosine.  A grid of fusion
parameters (semantic weight in ranking and in the in-scope score, cosine floor
and ceiling, threshold) is then
scored on those, never on single questions:

* k-fold cross-validation over all questions pooled (folds stratified by set):
  each fold's parameters are chosen on the other folds, and the held-out
  fold's answers make the out-of-fold figures printed per set - the honest
  estimate of how the fitted engine does on unseen questions;
* the parameters chosen on all questions are printed last, to be copied into
  ``kb.fusion.DEFAULT_FUSION`` (semantic) and ``LEXICAL_ONLY`` (``--lexical``).

The objective is hit@1 + hit@3 + min(out-of-scope rejection, 0.90), averaged
over the sets (the targets hold per set): the three figures weigh the same, and
rejection beyond
0.90 (the 0.85 target plus a margin) earns nothing, since every further point
of it is bought by withholding right answers from in-scope questions.

    .venv/bin/python bench/kb_fit.py [--folds 5] [--lexical]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kb_sets import load_articles, load_sets  # noqa: E402
from kb.encoder import load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.fusion import FusionParams  # noqa: E402

WEIGHTS = np.round(np.arange(0.0, 0.81, 0.1), 2)
SCOPE_WEIGHTS = np.round(np.arange(0.0, 1.01, 0.1), 2)
FLOORS = (0.1, 0.15, 0.2, 0.25, 0.3)
CEILINGS = (0.5, 0.6, 0.7, 0.8)
THRESHOLDS = np.round(np.arange(0.15, 0.61, 0.01), 2)
RUNNER_UP_FLOOR = 0.5
OBJECTIVE = (1.0, 1.0, 1.0)  # hit@1, hit@3, OOS rejection: the three target figures
REJECTION_CAP = 0.90
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Evidence:
    """Per question (rows) and candidate group (columns, padded)."""

    lexical: Floats
    scope: Floats
    cosine: Floats
    valid: Bools
    correct: Bools  # the group's shown member is the expected article
    in_scope: Bools  # the question has an expected article
    sets: npt.NDArray[np.str_]


def gather(engine: SuggestionEngine, sets: dict[str, list[dict[str, Any]]]) -> Evidence:
    rows = []
    for name, questions in sets.items():
        for q in questions:
            _, groups = engine.evidence(q["q"])
            rows.append((name, q["expected"], groups))
    width = max(1, max(len(g) for _, _, g in rows))
    n = len(rows)
    ev = Evidence(
        *(np.zeros((n, width)) for _ in range(3)),
        valid=np.zeros((n, width), dtype=bool),
        correct=np.zeros((n, width), dtype=bool),
        in_scope=np.array([e is not None for _, e, _ in rows]),
        sets=np.array([s for s, _, _ in rows]),
    )
    for i, (_, expected, groups) in enumerate(rows):
        for j, g in enumerate(groups):
            ev.lexical[i, j], ev.scope[i, j], ev.cosine[i, j] = g.lexical, g.scope, g.semantic
            ev.valid[i, j] = True
            ev.correct[i, j] = g.article_id == expected
    return ev


def outcomes(ev: Evidence, w: float, ws: float, lo: float, hi: float) -> dict[str, Any]:
    """Per question and threshold: hit@1, hit@3, reciprocal rank, rejected."""
    sem = np.clip((ev.cosine - lo) / (hi - lo), 0.0, 1.0)
    rank = np.where(ev.valid, (1 - w) * ev.lexical + w * sem, -1.0)
    scope = (1 - ws) * ev.scope + ws * sem
    order = np.argsort(-rank, axis=1, kind="stable")[:, :3]
    top_rank = np.take_along_axis(rank, order, axis=1)  # (n, 3)
    top_correct = np.take_along_axis(ev.correct, order, axis=1)
    top_scope = np.take_along_axis(scope, order[:, :1], axis=1)[:, 0]
    t = THRESHOLDS[None, :]  # (1, T)
    answered = top_scope[:, None] >= t  # (n, T)
    shown = (top_rank[:, :, None] >= RUNNER_UP_FLOOR * t[:, None, :]) & answered[:, None, :]
    shown[:, 0, :] = answered
    hits = top_correct[:, :, None] & shown  # (n, 3, T)
    first = np.where(hits.any(axis=1), hits.argmax(axis=1) + 1, 0)
    return {
        "hit1": hits[:, 0, :],
        "hit3": hits.any(axis=1),
        "rr": np.where(first > 0, 1.0 / np.maximum(first, 1), 0.0),
        "rejected": ~answered,
    }


def figures(out: dict[str, Any], ev: Evidence, mask: Bools, t: int) -> tuple[float, ...]:
    ins, oos = mask & ev.in_scope, mask & ~ev.in_scope
    n, m = max(int(ins.sum()), 1), max(int(oos.sum()), 1)
    return (
        float(out["hit1"][ins, t].sum()) / n,
        float(out["hit3"][ins, t].sum()) / n,
        float(out["rr"][ins, t].sum()) / n,
        float(out["rejected"][oos, t].sum()) / m,
    )


def objective(out: dict[str, Any], ev: Evidence, mask: Bools) -> Floats:
    names = dict.fromkeys(ev.sets.tolist())
    return np.mean([_objective(out, ev, mask & (ev.sets == name)) for name in names], axis=0)


def _objective(out: dict[str, Any], ev: Evidence, mask: Bools) -> Floats:
    ins, oos = mask & ev.in_scope, mask & ~ev.in_scope
    a, b, c = OBJECTIVE
    n, m = max(int(ins.sum()), 1), max(int(oos.sum()), 1)
    return np.asarray(
        a * out["hit1"][ins].sum(axis=0) / n
        + b * out["hit3"][ins].sum(axis=0) / n
        + c * np.minimum(out["rejected"][oos].sum(axis=0) / m, REJECTION_CAP),
        dtype=np.float64,
    )


Combo = tuple[float, float, float, float]  # weight, scope weight, floor, ceiling


def best(
    table: list[tuple[Combo, dict[str, Any]]], ev: Evidence, mask: Bools
) -> tuple[Combo, int, float]:
    scored = []
    for combo, out in table:
        j = objective(out, ev, mask)
        t = int(np.argmax(j))
        scored.append((float(j[t]), -combo[0] - combo[1], combo, t))
    score, _, combo, t = max(scored)
    return combo, t, score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--lexical", action="store_true", help="fit the lexical engine alone")
    args = parser.parse_args(argv)
    sets = load_sets()
    encoder = None if args.lexical else load_default_encoder()
    engine = SuggestionEngine(load_articles(), encoder=encoder)
    ev = gather(engine, sets)
    grid: list[Combo] = (
        [(0.0, 0.0, 0.0, 1.0)]
        if args.lexical
        else [tuple(map(float, c)) for c in product(WEIGHTS, SCOPE_WEIGHTS, FLOORS, CEILINGS)]  # type: ignore[misc]
    )
    table = [(combo, outcomes(ev, *combo)) for combo in grid]
    print(f"{len(ev.sets)} questions, {len(grid) * len(THRESHOLDS)} parameter sets\n")

    rng = np.random.default_rng(8)
    fold = np.zeros(len(ev.sets), dtype=int)
    for name in dict.fromkeys(ev.sets.tolist()):
        idx = np.flatnonzero(ev.sets == name)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % args.folds
    oof = {k: np.zeros(len(ev.sets)) for k in ("hit1", "hit3", "rr", "rejected")}
    for k in range(args.folds):
        (combo, t, _) = best(table, ev, fold != k)
        out = dict(table)[combo]
        held = fold == k
        for key in oof:
            oof[key][held] = out[key][held, t]
        print(f"fold {k}: {describe(combo, t)}")
    print("\nout-of-fold (each question answered with parameters fitted without it):")
    report({key: value[:, None] for key, value in oof.items()}, ev, 0)

    combo, t, score = best(table, ev, np.ones(len(ev.sets), dtype=bool))
    print(f"\nfitted on all: {describe(combo, t)}  (objective {score:.3f})")
    report(dict(table)[combo], ev, t)
    return 0


def describe(combo: Combo, t: int) -> str:
    w, ws, lo, hi = combo
    params = FusionParams(w, lo, hi, float(THRESHOLDS[t]), scope_weight=ws)
    return repr(params).removeprefix("FusionParams")


def report(out: dict[str, Any], ev: Evidence, t: int) -> None:
    print(f"  {'set':<8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'OOS rej':>8}")
    for name in [*dict.fromkeys(ev.sets.tolist()), "all"]:
        mask = ev.sets == name if name != "all" else np.ones(len(ev.sets), dtype=bool)
        h1, h3, mrr, oos = figures(out, ev, mask, t)
        print(f"  {name:<8} {h1:>6.3f} {h3:>6.3f} {mrr:>6.3f} {oos:>8.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
