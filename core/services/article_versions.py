"""The history of knowledge-base articles: every save appends a version (who, when, what it
did), and any two versions compare as a diff of their Markdown files."""

from __future__ import annotations

import difflib

from core.domain.article_versions import ArticleVersion, snapshot
from core.domain.knowledge import Article
from core.ports import UnitOfWork
from core.services.context import Actor
from core.services.knowledge_index import article_file
from kb.markdown_files import render_article_file


async def record(
    uow: UnitOfWork, *, actor: Actor | None, after: Article, action: str
) -> ArticleVersion:
    """Append the article as it is now to its history (every save calls this)."""
    version = ArticleVersion(
        article_id=after.id,
        number=await uow.article_versions.latest_number(after.id) + 1,
        action=action,
        author_id=actor.person.id if actor else None,
        author_name=actor.person.display_name if actor else "system",
        created_at=uow.clock.now(),
        **snapshot(after),  # type: ignore[arg-type]
    )
    uow.add(version)
    return version


def as_text(version: ArticleVersion | Article) -> list[str]:
    """A version as the lines of its Markdown file (the import format), for diffs."""
    article_id = version.article_id if isinstance(version, ArticleVersion) else version.id
    article = Article(id=article_id, **snapshot(version))  # type: ignore[arg-type]
    return render_article_file(article_file(article)).splitlines()


def diff(older: ArticleVersion | Article | None, newer: ArticleVersion | Article) -> list[str]:
    """Unified diff lines from ``older`` (None: nothing) to ``newer``."""
    before = as_text(older) if older is not None else []
    return list(difflib.unified_diff(before, as_text(newer), "before", "after", lineterm="", n=2))
