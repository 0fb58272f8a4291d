"""The starter knowledge base: everyday IT-desk articles in English and Russian, shipped with
chatdesk (``chatdesk/starter_articles/*.md``) so self-help answers from the first minute.

Loading is idempotent and never overwrites an admin's work. For every shipped article we record
the hash of the version we loaded. On the next load an article is:

- created when it does not exist and never did;
- updated to the new shipped version when its stored content still has the recorded hash
  (nobody touched it since we loaded it);
- left alone when its content differs from what we loaded (an admin edited or archived it),
  when it existed before we ever loaded it, or when it was deleted after we loaded it.

Nothing is ever deleted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from core.domain.knowledge import Article
from core.services import article_curation, knowledge_index
from core.services.context import operator
from kb.markdown_files import ArticleFile, parse_article_file
from storage.starter_ledger import SqlStarterLedger
from storage.unit_of_work import Database

ARTICLES_DIR = Path(__file__).parent / "starter_articles"


@dataclass(frozen=True, slots=True)
class StarterReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited, deleted or not ours: left as they are

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept)} kept as edited"
        )


def shipped_files() -> list[tuple[str, str]]:
    """(file name, text) of every shipped starter article, in name order."""
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES_DIR.glob("*.md"))]


def content_hash(article: ArticleFile | Article) -> str:
    """A hash of everything an admin can edit in an article, the same for a file and a stored row.

    Fields at their default value are left out, so a field added to the article format later
    does not make every stored article look edited.
    """
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(ArticleFile):
        if spec.name == "id":
            continue
        value = _plain(getattr(article, spec.name, spec.default))
        if spec.default is dataclasses.MISSING or value != _plain(spec.default):
            values[spec.name] = value
    encoded = json.dumps(values, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def load_starter_kb(
    database: Database, *, files: Sequence[tuple[str, str]] | None = None
) -> StarterReport:
    """Load the shipped articles (or ``files``, for tests) as described in the module docstring."""
    report = StarterReport()
    async with database.uow() as uow:
        ledger = SqlStarterLedger(uow.session)
        recorded = await ledger.hashes()
        to_write: list[tuple[str, str]] = []
        loaded: dict[str, str] = {}
        for name, text in files if files is not None else shipped_files():
            item = parse_article_file(text)
            shipped = content_hash(item)
            stored = await uow.articles.get(item.id)
            if stored is None:
                if item.id in recorded:  # deleted after we loaded it: respect that
                    report.kept.append(item.id)
                    continue
                report.added.append(item.id)
            else:
                current = content_hash(stored)
                if current == shipped:
                    report.unchanged.append(item.id)
                    if recorded.get(item.id) != shipped:
                        loaded[item.id] = shipped
                    continue
                if recorded.get(item.id) != current:  # edited, or never ours
                    report.kept.append(item.id)
                    continue
                report.updated.append(item.id)
            to_write.append((name, text))
            loaded[item.id] = shipped
        result = await article_curation.import_articles(
            uow, knowledge_index.KnowledgeBase(), actor=operator(), files=to_write
        )
        if result.errors:
            problems = "; ".join(f"{name}: {problem}" for name, problem in result.errors)
            raise ValueError(f"a shipped starter article is invalid: {problems}")
        await ledger.record(loaded, at=uow.clock.now())
        await uow.commit()
    return report
