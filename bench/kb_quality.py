"""Suggestion quality on every labelled question set: chatdesk's engine (fused,
as shipped; the lexical signal alone, i.e. CHATDESK_KB_SEMANTIC=off; the
semantic signal alone) next to two baselines (BM25 via bm25s with Snowball
stemming over title + tags + body, and rapidfuzz WRatio over titles alone).

The articles are the dataset's, with ``X-ru`` linked to ``X`` as its
translation (see bench/kb_sets.py).  The semantic signal alone and the
baselines have no notion of "out of scope" of their own, so they reject a
question when its top score is below the score that keeps 95 % of in-scope
top-1 scores of that set.

The starter set is asked of the starter knowledge base shipped with chatdesk (its articles
have phrasings), every other set of the dataset's.

    .venv/bin/python bench/kb_quality.py [--sets dev extra check frozen fit2 starter] [--by-language]
    .venv/bin/python bench/kb_quality.py --questions FILE.jsonl   # one file instead
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.kb_sets import (  # noqa: E402
    REPORTED,
    load_articles,
    load_questions,
    load_sets,
    load_starter_articles,
    load_starter_set,
)
from kb.documents import ArticleText  # noqa: E402
from kb.encoder import Encoder, load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.evaluation import Evaluation, evaluate  # noqa: E402
from kb.normalize import tokenize  # noqa: E402
from kb.semantic import vector_text  # noqa: E402
from kb.stemming import stem  # noqa: E402

Scored = list[tuple[str, float]]


def semantic_ranker(articles: Sequence[ArticleText], encoder: Encoder) -> Callable[[str], Scored]:
    """The semantic signal alone: cosine with the article vectors, best of each
    translation group, shown in the asker's language as the engine does."""
    vectors = encoder.encode([vector_text(a) for a in articles])
    lexical = SuggestionEngine(articles)  # for the asker's language only

    def rank(text: str) -> Scored:
        cosines = vectors @ encoder.encode([text])[0]
        asker = lexical.analyse(text).language
        best: dict[str, tuple[float, str]] = {}
        for article, cosine in zip(articles, cosines.tolist(), strict=True):
            score, shown = best.get(article.group, (-1.0, ""))
            mine = article.language == asker
            if cosine > score:
                score = cosine
            if not shown or mine:
                shown = article.id
            best[article.group] = (score, shown)
        ranked = sorted(best.values(), reverse=True)[:3]
        return [(shown, score) for score, shown in ranked]

    return rank


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


def systems_for(
    articles: Sequence[ArticleText], encoder: Encoder, questions: Sequence[dict[str, Any]]
) -> list[tuple[str, Callable[[str], Sequence[Any]]]]:
    fused = SuggestionEngine(articles, encoder=encoder)
    lexical = SuggestionEngine(articles)
    return [
        ("chatdesk fused", fused.suggest),
        ("chatdesk lexical", lexical.suggest),
        ("semantic signal alone", with_threshold(semantic_ranker(articles, encoder), questions)),
        ("BM25 (bm25s+Snowball)", with_threshold(bm25_ranker(articles), questions)),
        ("rapidfuzz WRatio/title", with_threshold(wratio_ranker(articles), questions)),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=REPORTED)
    parser.add_argument("--questions", type=Path, help="evaluate this JSONL file instead")
    parser.add_argument("--by-language", action="store_true", help="per-language breakdown")
    args = parser.parse_args(argv)
    articles = load_articles()
    if args.questions:
        sets = {args.questions.stem: load_questions(args.questions)}
    else:
        sets = {name: qs for name, qs in load_sets().items() if name in args.sets}
        if "starter" in args.sets:
            sets["starter"] = load_starter_set()
    encoder = load_default_encoder()
    print(f"{len(articles)} articles ({sum(a.translation_of is not None for a in articles)} "
          f"linked as translations)")  # fmt: skip
    for set_name, questions in sets.items():
        n_oos = sum(q["expected"] is None for q in questions)
        base = load_starter_articles() if set_name == "starter" else articles
        where = " of the starter knowledge base" if set_name == "starter" else ""
        print(f"\n## {set_name}: {len(questions)} questions{where} ({n_oos} out of scope)")
        for name, suggest in systems_for(base, encoder, questions):
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
