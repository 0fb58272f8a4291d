"""Suggestion latency, index build time and memory at 1k, 10k and 100k articles.

The base is grown from the dataset's articles: every variant mixes an
article's text with sentences of another article and a numbered product name,
so no two articles are identical.  Questions are the dev questions.

Every size runs in fresh processes, so nothing is warm that a freshly started
service would not have warm, and peak RSS belongs to that size alone:

* build s: wall time of ``SuggestionEngine(articles)`` (cold caches); build cpu s: the CPU
  time it took (on a shared busy machine the wall time also counts waiting for a core);
* p50/p95/max ms: ``suggest()`` wall-clock latency over --queries dev
  questions, after 20 warm-up questions; cpu p50/p95: the CPU time the
  question took on its one thread (equal to the wall time on an idle machine;
  on a shared busy one the wall time also counts waiting for a core);
* index MB: memory the engine keeps (tracemalloc, in a second process that
  builds the same engine with tracing on; includes the analysis caches the
  build fills); build peak MB: the most tracemalloc saw at once during build;
* RSS MB: resident set size after building, and peak RSS of the timing
  process (Python, libraries and the articles themselves included; the
  "before" column is the RSS just before the build).

``--semantic`` adds the semantic signal (everything included: the question is
encoded and scored against every article vector):

* ``cold``: the build encodes every article (what a first start without a
  vector cache costs);
* ``cached``: the build takes every vector from the per-version cache (what
  every later start costs: the database keeps a vector per article version).
  The cache is filled with random unit vectors under the articles' real
  version keys, since encoding 100k articles first would take minutes; lookup
  and scoring cost the same whatever the vectors hold.

The model is loaded before the build and the timings (its ~1 s load and
~120 MB are reported apart, as "model MB").

    .venv/bin/python bench/kb_speed.py [--sizes 1000 10000 100000] [--queries 300]
    .venv/bin/python bench/kb_speed.py --semantic cached
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.kb_sets import DATASET  # noqa: E402
from kb.documents import ArticleText  # noqa: E402
from kb.encoder import Encoder, load_default_encoder  # noqa: E402
from kb.engine import SuggestionEngine  # noqa: E402
from kb.markdown_files import article_text, parse_article_file  # noqa: E402
from kb.semantic import StoredVector, vector_key, vector_text  # noqa: E402
from kb.vectors import quantize  # noqa: E402

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


def load(articles: Path, questions: Path) -> tuple[list[ArticleText], list[str]]:
    base = [article_text(parse_article_file(p.read_text("utf-8")))
            for p in sorted(articles.glob("*.md"))]  # fmt: skip
    lines = questions.read_text("utf-8").splitlines()
    return base, [json.loads(line)["q"] for line in lines if line.strip()]


def stand_in_cache(articles: list[ArticleText], encoder: Encoder) -> dict[str, StoredVector]:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((len(articles), encoder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows, scales = quantize(vectors)
    return {
        vector_key(encoder.name, vector_text(a)): StoredVector(row.tobytes(), float(scale))
        for a, row, scale in zip(articles, rows, scales, strict=True)
    }


def build(articles: list[ArticleText], mode: str) -> tuple[SuggestionEngine, float, float, float]:
    """The engine, its build wall and CPU time, and the RSS the model took (0 without one)."""
    encoder: Encoder | None = None
    cache = None
    model_mb = 0.0
    if mode != "off":
        before = rss_mb()
        encoder = load_default_encoder()
        model_mb = rss_mb() - before
        cache = stand_in_cache(articles, encoder) if mode == "cached" else None
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    engine = SuggestionEngine(articles, encoder=encoder, vectors=cache)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return engine, wall, cpu, model_mb


def measure_speed(
    articles: list[ArticleText], questions: list[str], n_queries: int, mode: str
) -> dict[str, Any]:
    queries = [questions[i % len(questions)] for i in range(n_queries)]
    gc.collect()
    before = rss_mb()
    engine, build_s, build_cpu_s, model_mb = build(articles, mode)
    assert engine.semantic_ready == (mode != "off")
    after = rss_mb()
    for q in questions[:20]:  # warm-up, as a live bot would be
        engine.suggest(q)
    latencies = []
    cpu = []
    for q in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        engine.suggest(q)
        cpu.append((time.thread_time() - c0) * 1000)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    cpu.sort()
    return {
        "build": build_s,
        "build_cpu": build_cpu_s,
        "model": model_mb,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "max": latencies[-1],
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))],
        "rss_before": before,
        "rss_after": after,
        "peak_rss": peak_rss_mb(),
    }


def measure_memory(articles: list[ArticleText], mode: str) -> dict[str, Any]:
    encoder = load_default_encoder() if mode != "off" else None
    cache = stand_in_cache(articles, encoder) if encoder is not None else None
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    engine = SuggestionEngine(articles, encoder=encoder, vectors=cache)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del engine
    return {"index": (current - base) / 2**20, "build_peak": (peak - base) / 2**20}


def worker(args: argparse.Namespace) -> int:
    base, questions = load(args.articles, args.questions)
    articles = grow(base, args.size)
    if args.worker == "speed":
        result = measure_speed(articles, questions, args.queries, args.semantic)
    else:
        result = measure_memory(articles, args.semantic)
    print(json.dumps(result))
    return 0


def run_worker(kind: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", kind, "--size", str(size),
               "--queries", str(args.queries), "--articles", str(args.articles),
               "--questions", str(args.questions), "--semantic", args.semantic]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--articles", type=Path, default=DATASET / "articles")
    parser.add_argument("--questions", type=Path, default=DATASET / "dev.jsonl")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--semantic", choices=["off", "cold", "cached"], default="off")
    parser.add_argument("--worker", choices=["speed", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    print(f"semantic signal: {args.semantic}")
    print(f"{'articles':>9} {'build s':>8} {'build cpu s':>12} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          f"{'index MB':>9} {'build peak MB':>14} {'RSS before/after MB':>20} "
          f"{'peak RSS MB':>12} {'model MB':>9} {'cpu p50':>8} {'cpu p95':>8}")  # fmt: skip
    for size in args.sizes:
        speed = run_worker("speed", size, args)
        memory = {"index": float("nan"), "build_peak": float("nan")}
        if not args.no_memory:
            memory = run_worker("memory", size, args)
        rss = f"{speed['rss_before']:.0f} / {speed['rss_after']:.0f}"
        print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"{size:>9} {speed['build']:>8.2f} {speed['build_cpu']:>12.2f} {speed['p50']:>7.2f} {speed['p95']:>7.2f} "
            f"{speed['max']:>7.2f} {memory['index']:>9.0f} {memory['build_peak']:>14.0f} "
            f"{rss:>20} {speed['peak_rss']:>12.0f} {speed['model']:>9.0f} "
            f"{speed['cpu_p50']:>8.2f} {speed['cpu_p95']:>8.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
