"""Suggestion quality on a labelled question set: chatdesk's engine next to two
baselines (BM25 via bm25s with Snowball stemming over title + tags + body, and
rapidfuzz WRatio over titles alone).

Baselines have no notion of "out of scope", so they reject a question when its
top score is below the score that keeps 95 % of in-scope top-1 scores.

    .venv/bin/python bench/kb_quality.py [--questions dev.jsonl] [--articles DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.documents import ArticleText  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.evaluation import Evaluation, evaluate  # noqa: E402
from kb.markdown_files import article_text, parse_article_file  # noqa: E402
from kb.normalize import tokenize  # noqa: E402
from kb.stemming import stem  # noqa: E402

DATASET = ROOT.parent / "shared" / "kb-dataset"
Scored = list[tuple[str, float]]


def load(questions: Path, articles: Path) -> tuple[list[dict[str, Any]], list[ArticleText]]:
    qs = [json.loads(line) for line in questions.read_text("utf-8").splitlines() if line.strip()]
    docs = [
        article_text(parse_article_file(p.read_text("utf-8")))
        for p in sorted(articles.glob("*.md"))
    ]
    return qs, docs


def bm25_ranker(articles: Sequence[ArticleText]) -> Callable[[str], Scored]:
    import bm25s

    def stems(text: str) -> list[str]:
        return [stem(t) for t in tokenize(text)]

    corpus = [stems(f"{a.title} {' '.join(a.tags)} {a.body}") for a in articles]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    ids = [a.id for a in articles]

    def rank(text: str) -> Scored:
        query = [t for t in stems(text) if t in retriever.vocab_dict]
        if not query:
            return []
        docs, scores = retriever.retrieve([query], k=3, show_progress=False)
        return [(ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def wratio_ranker(articles: Sequence[ArticleText]) -> Callable[[str], Scored]:
    from rapidfuzz import fuzz, process, utils

    titles = [utils.default_process(a.title) for a in articles]

    def rank(text: str) -> Scored:
        found = process.extract(utils.default_process(text), titles, scorer=fuzz.WRatio, limit=3)
        return [(articles[i].id, float(score)) for _, score, i in found]

    return rank


def with_threshold(
    rank: Callable[[str], Scored], questions: Sequence[dict[str, Any]]
) -> Callable[[str], list[str]]:
    tops = [r[0][1] if (r := rank(q["q"])) else 0.0 for q in questions if q["expected"]]
    threshold = float(np.percentile(tops, 5)) if tops else 0.0

    def suggest(text: str) -> list[str]:
        ranked = rank(text)
        return [i for i, _ in ranked] if ranked and ranked[0][1] >= threshold else []

    return suggest


def report(name: str, result: Evaluation) -> None:
    m = result.overall
    print(
        f"{name:<22} hit@1 {m.hit_at_1:.3f}  hit@3 {m.hit_at_3:.3f}  MRR {m.mrr:.3f}  "
        f"OOS rejection {m.oos_rejection:.3f}   (n={m.n}, oos={m.n_oos})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DATASET / "dev.jsonl")
    parser.add_argument("--articles", type=Path, default=DATASET / "articles")
    parser.add_argument("--by-language", action="store_true", help="per-language breakdown")
    args = parser.parse_args(argv)
    questions, articles = load(args.questions, args.articles)
    print(f"{len(articles)} articles, {len(questions)} questions\n")
    engine = SuggestionEngine(articles)
    systems: list[tuple[str, Callable[[str], Sequence[Any]]]] = [
        ("chatdesk engine", engine.suggest),
        ("BM25 (bm25s+Snowball)", with_threshold(bm25_ranker(articles), questions)),
        ("rapidfuzz WRatio/title", with_threshold(wratio_ranker(articles), questions)),
    ]
    for name, suggest in systems:
        result = evaluate(questions, suggest)
        report(name, result)
        if args.by_language:
            for lang, m in result.by_language.items():
                print(
                    f"    {lang:<6} hit@1 {m.hit_at_1:.3f}  hit@3 {m.hit_at_3:.3f}  "
                    f"MRR {m.mrr:.3f}  OOS {m.oos_rejection:.3f}  (n={m.n}, oos={m.n_oos})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
