"""The labelled question sets and the dataset articles, as the kb benches read them.

The ``starter`` set (``tests/data/starter_kb_questions.jsonl``) asks about the starter
knowledge base shipped with chatdesk (:func:`load_starter_articles`), not the dataset's, and is
loaded apart (:func:`load_starter_set`).

Articles come from the shared dataset with translation links added by the
dataset's naming rule (``X-ru`` translates ``X``), since the dataset predates
``translation_of``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kb.documents import ArticleText
from kb.evaluation import link_suffix_translations
from kb.markdown_files import article_text, parse_article_file

ROOT = Path(__file__).resolve().parents[1]
DATASET = Path(os.environ.get("CHATDESK_KB_DATASET", ROOT.parent / "shared" / "kb-dataset"))
DATA = ROOT / "tests" / "data"

# name -> file; "frozen" was committed (12d9e8c) before any issue-8 tuning.
SETS = {
    "dev": DATASET / "dev.jsonl",
    "extra": DATA / "kb_questions_extra.jsonl",
    "check": DATA / "kb_questions_oos_check.jsonl",
    "frozen": DATA / "kb_questions_frozen.jsonl",
    # written in session kb-oos from the articles and the dataset README only, to give the
    # answer/out-of-scope fit more labelled out-of-scope questions (156 of 330)
    "fit2": DATA / "kb_questions_fit2.jsonl",
}


def load_questions(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_sets(dataset: Path = DATASET) -> dict[str, list[dict[str, Any]]]:
    paths = {**SETS, "dev": dataset / "dev.jsonl"}
    return {name: load_questions(path) for name, path in paths.items()}


STARTER_SET = DATA / "starter_kb_questions.jsonl"
# every set the benches report by default (the starter set asked of the starter knowledge base)
REPORTED = [*SETS, "starter"]


def load_starter_set() -> list[dict[str, Any]]:
    return load_questions(STARTER_SET)


def load_starter_articles() -> list[ArticleText]:
    """The starter knowledge base's articles (each with phrasings, linked as translations)."""
    from chatdesk.starter_kb import shipped_files

    return [article_text(parse_article_file(text)) for _, text in shipped_files()]


def load_articles(dataset: Path = DATASET) -> list[ArticleText]:
    files = sorted((dataset / "articles").glob("*.md"))
    return link_suffix_translations(
        article_text(parse_article_file(p.read_text("utf-8"))) for p in files
    )
