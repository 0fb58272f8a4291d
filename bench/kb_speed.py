"""Suggestion latency, index build time and memory at 1k, 10k and 100k articles.

The base is grown from the dataset's articles: every variant mixes an
article's text with sentences of another article and a numbered product name,
so no two articles are identical.  Questions are the dev questions.

    .venv/bin/python bench/kb_speed.py [--sizes 1000 10000 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.documents import ArticleText  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.markdown_files import article_text, parse_article_file  # noqa: E402

DATASET = ROOT.parent / "shared" / "kb-dataset"
BRANDS = ("Zentrix", "Orvala", "Kestrel", "Nimbus", "Quorra", "Helix", "Talon", "Vireo",
          "Pylon", "Marlin", "Corvid", "Lumen")  # fmt: skip


def rss_mb() -> float:
    """Current resident set size in MB (Linux), 0 if unavailable."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def grow(base: Sequence[ArticleText], size: int, seed: int = 7) -> list[ArticleText]:
    rng = random.Random(seed)
    sentences = {a.id: [s for s in a.body.split("\n") if s.strip()] for a in base}
    out = list(base[:size])
    for i in range(len(out), size):
        a = base[i % len(base)]
        other = base[rng.randrange(len(base))]
        product = f"{rng.choice(BRANDS)}-{i}"
        mine = sentences[a.id][:]
        rng.shuffle(mine)
        extra = rng.sample(sentences[other.id], k=min(2, len(sentences[other.id])))
        body = "\n".join([*mine[: max(3, len(mine) - 2)], *extra, f"Applies to {product}."])
        out.append(
            ArticleText(
                id=f"{a.id}-{i}",
                title=f"{a.title} ({product})",
                body=body,
                language=a.language,
                category=a.category,
                tags=(*a.tags, product.lower()),
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--articles", type=Path, default=DATASET / "articles")
    parser.add_argument("--questions", type=Path, default=DATASET / "dev.jsonl")
    args = parser.parse_args(argv)

    base = [article_text(parse_article_file(p.read_text("utf-8")))
            for p in sorted(args.articles.glob("*.md"))]  # fmt: skip
    lines = args.questions.read_text("utf-8").splitlines()
    questions = [json.loads(line)["q"] for line in lines if line.strip()]
    queries = [questions[i % len(questions)] for i in range(args.queries)]

    print(f"{'articles':>9} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          f"{'index MB':>9} {'peak RSS MB':>12}")  # fmt: skip
    for size in args.sizes:
        articles = grow(base, size)
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        engine = SuggestionEngine(articles)
        build = time.perf_counter() - started
        index_mb = rss_mb() - before
        for q in questions[:20]:  # warm caches (numpy arrays per term), as a live bot would
            engine.suggest(q)
        latencies = []
        for q in queries:
            t0 = time.perf_counter()
            engine.suggest(q)
            latencies.append((time.perf_counter() - t0) * 1000)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        print(
            f"{size:>9} {build:>8.2f} {statistics.median(latencies):>7.2f} {p95:>7.2f} "
            f"{latencies[-1]:>7.2f} {index_mb:>9.0f} {peak_rss_mb():>12.0f}",
            flush=True,
        )
        del engine, articles
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
