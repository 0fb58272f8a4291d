"""What learning from "this solved it" does: feed half a question set, evaluate on the other half.

For each set, its questions are split in two halves at random (seeded).  Every question of the
first half whose expected article the engine showed (only a shown article can be confirmed) is
taken as one person's "this solved it" on that article, and goes
through the same rule as in the service (``kb.learning.taught``, ``candidate_text``: too short or too long
questions make no phrasing; near-identical ones are one candidate), as the index reads it
(``SuggestionEngine.reading``: transliteration and typo repair; ``--as-typed``: as typed, as
before).  Candidates are then added
as a curator accepting them all would (with three different people per candidate, few questions
of a set repeat each other, so the automatic rule alone would add almost nothing).  The engine
with those phrasings is evaluated on the second half, next to the engine without them; then the
halves swap, and the two results are averaged.

    .venv/bin/python bench/kb_learning.py [--sets dev extra check frozen fit2] [--lexical] [--as-typed]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kb_sets import SETS, load_articles, load_sets  # noqa: E402
from kb.encoder import Encoder, load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.evaluation import Metrics, evaluate  # noqa: E402
from kb.learning import taught  # noqa: E402


def split(questions: list[dict[str, Any]], seed: int) -> tuple[list[Any], list[Any]]:
    shuffled = questions[:]
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


def mean(a: Metrics, b: Metrics) -> tuple[float, float, float, float]:
    return (
        (a.hit_at_1 + b.hit_at_1) / 2,
        (a.hit_at_3 + b.hit_at_3) / 2,
        (a.mrr + b.mrr) / 2,
        (a.oos_rejection + b.oos_rejection) / 2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--lexical", action="store_true", help="without the semantic signal")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--as-typed",
        action="store_true",
        help="learn questions as typed, not as the index reads them",
    )
    args = parser.parse_args(argv)
    articles = load_articles()
    encoder: Encoder | None = None if args.lexical else load_default_encoder()
    base = SuggestionEngine(articles, encoder=encoder)
    print(f"engine: {'lexical' if args.lexical else 'fused'}; halves seeded with {args.seed}\n")
    phrasings = [p for a in articles for p in a.phrasings]
    print(
        f"{'set':<8} {'':<9} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'OOS rej':>8} {'phrasings':>10}"
    )
    for name, questions in load_sets().items():
        if name not in args.sets:
            continue
        first, second = split(questions, args.seed)
        before, after, added = [], [], 0
        for feed, test in ((first, second), (second, first)):
            confirmed = [
                q
                for q in feed
                if q["expected"] is not None
                and q["expected"] in [s.article_id for s in base.suggest(q["q"])]
            ]
            pairs = [(q["q"], q["expected"]) for q in confirmed]
            learned = taught(articles, pairs, read=None if args.as_typed else base.reading)
            added += sum(len(a.phrasings) for a in learned) - len(phrasings)
            engine = SuggestionEngine(learned, encoder=encoder)
            before.append(evaluate(test, base.suggest).overall)
            after.append(evaluate(test, engine.suggest).overall)
        for label, runs in (("before", before), ("after", after)):
            h1, h3, mrr, oos = mean(*runs)
            extra = f"{added / 2:>10.0f}" if label == "after" else ""
            print(f"{name:<8} {label:<9} {h1:>6.3f} {h3:>6.3f} {mrr:>6.3f} {oos:>8.3f} {extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
