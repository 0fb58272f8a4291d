"""The engine's misses on every question set, counted by kind (aggregates only, no questions).

A miss is an in-scope question whose expected article is not shown first, or an
out-of-scope question that gets an answer.  Each is put in one kind:

* ``withheld``: the expected article's group ranks first, but its in-scope
  probability is under the threshold, so nothing is shown;
* ``withheld-wrong``: nothing is shown, and the expected group does not rank first either;
* ``twin``: the expected article's translation is shown in its place;
* ``second``/``third``: the expected article is shown, but not first;
* ``not-shown``: something is shown, the expected article is not among it
  (``cut``: its group ranked in the top 3 but under the runner-up share);
* ``answered-oos``: an out-of-scope question gets an answer.

Each kind is broken down by the question's ``note`` (paraphrase, translit, short, ...).

The starter set is asked of the starter knowledge base, the others of the dataset's.

    .venv/bin/python bench/kb_misses.py [--lexical] [--sets dev extra check frozen fit2 starter]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kb_sets import (  # noqa: E402
    REPORTED,
    load_articles,
    load_sets,
    load_starter_articles,
    load_starter_set,
)
from kb.encoder import load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.fusion import fuse  # noqa: E402

KINDS = (
    "withheld",
    "withheld-wrong",
    "twin",
    "second",
    "third",
    "cut",
    "not-shown",
    "answered-oos",
)


def kind_of(engine: SuggestionEngine, text: str, expected: str | None) -> str | None:
    """The kind of miss this question is (None: answered right)."""
    shown = [s.article_id for s in engine.suggest(text)]
    if expected is None:
        return "answered-oos" if shown else None
    if shown[:1] == [expected]:
        return None
    _, groups = engine.evidence(text)
    ranked = fuse(groups, engine.fusion)
    group = engine.group_of(expected)
    order = [g.group for g in ranked]
    if not shown:
        return "withheld" if order[:1] == [group] else "withheld-wrong"
    if expected in shown:
        return ("second", "third")[shown.index(expected) - 1]
    if shown[0] != expected and engine.group_of(shown[0]) == group:
        return "twin"
    return "cut" if group in order[:3] else "not-shown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=REPORTED)
    parser.add_argument("--lexical", action="store_true", help="the lexical engine alone")
    args = parser.parse_args(argv)
    encoder = None if args.lexical else load_default_encoder()
    dataset = SuggestionEngine(load_articles(), encoder=encoder)
    starter = SuggestionEngine(load_starter_articles(), encoder=encoder)
    sets = {**load_sets(), "starter": load_starter_set()}
    for name, questions in sets.items():
        if name not in args.sets:
            continue
        engine = starter if name == "starter" else dataset
        kinds: Counter[str] = Counter()
        by_note: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        for q in questions:
            kind = kind_of(engine, q["q"], q["expected"])
            if kind is not None:
                kinds[kind] += 1
                by_note[kind][q.get("note", "?")] += 1
        n_in = sum(q["expected"] is not None for q in questions)
        print(f"\n## {name}: {len(questions)} questions, {sum(kinds.values())} misses")
        for kind in KINDS:
            if kinds[kind]:
                notes = ", ".join(f"{n} {c}" for n, c in by_note[kind].most_common())
                base = len(questions) - n_in if kind == "answered-oos" else n_in
                print(f"  {kind:<15} {kinds[kind]:>3}  ({kinds[kind] / base:.3f})  {notes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
