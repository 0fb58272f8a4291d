"""The in-memory suggestion index over published articles, one per process.

Built from storage at start-up (:meth:`KnowledgeBase.load`), updated one article at a time when
an article changes here (:meth:`KnowledgeBase.refresh`) or in another process
(:meth:`KnowledgeBase.sync`). Everything else about articles lives in storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from core.domain.knowledge import Article, ArticleStatus
from core.ports import UnitOfWork
from kb.documents import ArticleText
from kb.engine import SuggestionEngine
from kb.markdown_files import ArticleFile, article_text


class KnowledgeBase:
    """The in-memory suggestion index over published articles."""

    def __init__(self, *, threshold: float | None = None) -> None:
        self.engine = SuggestionEngine(threshold=threshold)
        self._seen_until: datetime | None = None  # newest updated_at already in the index

    async def load(self, uow: UnitOfWork) -> None:
        articles = await uow.articles.all()
        self.engine = SuggestionEngine(
            (indexed(a) for a in articles if a.status == ArticleStatus.PUBLISHED),
            threshold=self.engine.threshold,
        )
        self._note_seen(articles)

    async def sync(self, uow: UnitOfWork) -> int:
        """Take in articles changed by other processes (an import, another instance's admin panel)
        since the last load or sync, one at a time. Returns how many changed."""
        if self._seen_until is None:
            await self.load(uow)
            return len(self.engine)
        changed = await uow.articles.changed_since(self._seen_until)
        for article in changed:
            self.refresh(article)
        self._note_seen(changed)
        return len(changed)

    def _note_seen(self, articles: Sequence[Article]) -> None:
        stamps = [a.updated_at for a in articles if a.updated_at is not None]
        if stamps:
            self._seen_until = max([*stamps, *([self._seen_until] if self._seen_until else [])])
        elif self._seen_until is None:
            self._seen_until = datetime.min.replace(tzinfo=UTC)

    def refresh(self, article: Article) -> None:
        if article.status == ArticleStatus.PUBLISHED:
            self.engine.upsert(indexed(article))
        elif article.id in self.engine:
            self.engine.remove(article.id)


def article_file(article: Article) -> ArticleFile:
    """An article in the knowledge base's file format (for export and for the index)."""
    return ArticleFile(
        id=article.id,
        title=article.title,
        language=article.language,
        category=article.category,
        tags=tuple(article.tags),
        body=article.body,
        phrasings=tuple(article.phrasings),
        status=article.status.value,
    )


def indexed(article: Article) -> ArticleText:
    return article_text(article_file(article))
