"""Would a signal from labelled example questions separate "answer" from "out of scope" better?

An experiment, not the shipped engine.  Every question of the sets is encoded with the
sentence encoder; for a question, the *exemplar signal* is its best cosine with the labelled
out-of-scope example questions less its best cosine with the labelled in-scope ones (itself
excluded); a third variant keeps only the out-of-scope part.  The decision's logistic model (``bench/kb_fit.py``'s, at the shipped rank mix) is
fitted with and without that extra feature, and for each the script prints the decision's AUC
(a right first answer scored above an out-of-scope question) and the hit@1 still reachable when
the threshold rejects at least 80 / 85 / 90 % of the out-of-scope questions - the whole
hit-versus-rejection curve, so no threshold is chosen on the held-out set:

* on the frozen set (held out: examples and model from the fitting sets only), also without the
  frozen questions that nearly repeat a fitting question (cosine >= 0.9), so a gain is not only
  near-duplicates;
* out of fold on each fitting set (examples and model from the other folds).

Aggregate figures only.

    .venv/bin/python bench/kb_exemplars.py [--fit-sets dev extra check fit2]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kb_fit import Bools, Floats, Table, fit_logistic, gather, tabulate  # noqa: E402
from bench.kb_sets import load_articles, load_sets  # noqa: E402
from kb.encoder import load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.fusion import DEFAULT_FUSION  # noqa: E402

FOLDS = 5
NEAR_DUPLICATE = 0.9
REJECTION_LEVELS = (0.80, 0.85, 0.90)
# today's features; + the exemplar signal; + the best cosine with an out-of-scope example alone
# (the form a product could ship for any knowledge base: a generic out-of-scope list, no in-scope
# questions about one particular base)
VARIANTS = ("today's features", "+ exemplar signal", "+ out-of-scope only")


def exemplar_signal(
    similarity: Floats, in_scope: Bools, examples: Bools, *, out_only: bool = False
) -> Floats:
    """Best cosine with an out-of-scope example less best cosine with an in-scope one
    (*out_only*: the first alone, beside the best article cosine the decision already has)."""
    best_out = similarity[:, examples & ~in_scope].max(axis=1)
    if out_only:
        return np.asarray(best_out, dtype=np.float64)
    best_in = similarity[:, examples & in_scope].max(axis=1)
    return np.asarray(best_out - best_in, dtype=np.float64)


def decide(x: Floats, coef: Floats, found: Bools) -> Floats:
    p = 1.0 / (1.0 + np.exp(-np.clip(coef[0] + x @ coef[1:], -50, 50)))
    return np.where(found, p, 0.0)


def curve(p: Floats, t: Table, in_scope: Bools, mask: Bools) -> str:
    """The decision's AUC and the hit@1 reachable at each rejection level over *mask*."""
    right, out = p[mask & in_scope & t.hit1], np.sort(p[mask & ~in_scope])
    above = (right[:, None] > out[None, :]).sum() + 0.5 * (right[:, None] == out[None, :]).sum()
    cells = [f"AUC {above / (len(right) * len(out)):.3f}"]
    for level in REJECTION_LEVELS:
        bar = out[int(np.ceil(level * len(out))) - 1]
        cells.append(f"rej>={level:.2f}: hit@1 {(right > bar).sum() / (mask & in_scope).sum():.3f}")
    return ";  ".join(cells)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-sets", nargs="+", default=["dev", "extra", "check", "fit2"])
    args = parser.parse_args(argv)
    questions = load_sets()
    encoder = load_default_encoder()
    rows = gather(SuggestionEngine(load_articles(), encoder=encoder), questions)
    sets = np.array([name for name, _, _ in rows])
    in_scope = np.array([expected is not None for _, expected, _ in rows])
    fusion = DEFAULT_FUSION
    t = tabulate(rows, (fusion.semantic_weight, fusion.semantic_floor, fusion.semantic_ceiling))
    vectors = np.asarray(
        encoder.encode([q["q"] for qs in questions.values() for q in qs]), dtype=np.float64
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)  # a question is never its own example
    fitting = np.isin(sets, args.fit_sets)
    every = np.ones(t.features.shape[1] + 1, dtype=bool)

    def probabilities(train: Bools, variant: str) -> Floats:
        x = t.features
        if variant != VARIANTS[0]:
            signal = exemplar_signal(similarity, in_scope, train, out_only=variant == VARIANTS[2])
            x = np.c_[x, signal]
        coef = fit_logistic(x[train], in_scope[train], every[: x.shape[1]])
        return decide(x, coef, t.found)

    print(f"fitting sets: {', '.join(args.fit_sets)}; rank mix as shipped")
    frozen = sets == "frozen"
    fresh = frozen & (similarity[:, fitting].max(axis=1) < NEAR_DUPLICATE)
    print(
        f"frozen: {int(frozen.sum())} questions, {int((frozen & ~fresh).sum())} nearly repeat a "
        f"fitting question (cosine >= {NEAR_DUPLICATE})"
    )
    for label in VARIANTS:
        p = probabilities(fitting, label)
        print(f"  frozen,             {label:<19} {curve(p, t, in_scope, frozen)}")
        print(f"  frozen w/o repeats, {label:<19} {curve(p, t, in_scope, fresh)}")
    rng = np.random.default_rng(8)
    fold = np.full(len(rows), -1)
    for name in args.fit_sets:
        idx = np.flatnonzero(sets == name)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % FOLDS
    for label in VARIANTS:
        oof = np.zeros(len(rows))
        for k in range(FOLDS):
            held = fold == k
            oof[held] = probabilities(fitting & ~held, label)[held]
        for name in args.fit_sets:
            print(
                f"  {name + ' out of fold,':<19} {label:<19} {curve(oof, t, in_scope, sets == name)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
