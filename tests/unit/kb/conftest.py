"""Shared fixtures: the knowledge-base dataset (skipped cleanly when absent), with the
translation links it lacks added by its naming rule (the sentence encoder, ``encoder``, is a
session fixture of tests/conftest.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from kb.documents import ArticleText
from kb.encoder import Encoder
from kb.engine import SuggestionEngine
from kb.evaluation import link_suffix_translations
from kb.markdown_files import article_text, parse_article_file

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATASET = REPO_ROOT.parent / "shared" / "kb-dataset"


def dataset_dir() -> Path:
    return Path(os.environ.get("CHATDESK_KB_DATASET", DEFAULT_DATASET))


@pytest.fixture(scope="session")
def dataset() -> Path:
    path = dataset_dir()
    if not (path / "articles").is_dir() or not (path / "dev.jsonl").is_file():
        pytest.skip(
            f"KB dataset not found at {path} (needs articles/ and dev.jsonl); "
            "set CHATDESK_KB_DATASET to its folder"
        )
    return path


@pytest.fixture(scope="session")
def article_files(dataset: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted((dataset / "articles").glob("*.md"))}


@pytest.fixture(scope="session")
def articles(article_files: dict[Path, str]) -> list[ArticleText]:
    """The dataset's articles, each ``X-ru`` linked to ``X`` as its translation."""
    return link_suffix_translations(
        article_text(parse_article_file(text)) for text in article_files.values()
    )


@pytest.fixture(scope="session")
def dev_questions(dataset: Path) -> list[dict[str, Any]]:
    lines = (dataset / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def kb_engine(articles: list[ArticleText]) -> SuggestionEngine:
    """Read-only lexical engine over the whole dataset (tests that mutate build their own)."""
    return SuggestionEngine(articles)


@pytest.fixture(scope="session")
def kb_fused_engine(articles: list[ArticleText], encoder: Encoder) -> SuggestionEngine:
    """Read-only engine with the semantic signal, as shipped."""
    engine = SuggestionEngine(articles, encoder=encoder)
    assert engine.semantic_ready
    return engine
