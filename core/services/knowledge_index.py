"""The in-memory suggestion index over published articles, one per process.

Built from storage at start-up (:meth:`KnowledgeBase.load`), updated one article at a time when
an article changes here (:meth:`KnowledgeBase.refresh`) or in another process
(:meth:`KnowledgeBase.sync`). Everything else about articles lives in storage.

With a model loader (``CHATDESK_KB_SEMANTIC``, on by default) the index carries the semantic
signal too. The vector of each article version is kept in storage, so a start encodes only new
and edited articles. A server loads the model in the background and answers lexically until it
is ready (:meth:`KnowledgeBase.sync` then adds the vectors, encoding off the event loop); a CLI
command waits for it. When the model cannot be loaded, the lexical engine answers alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from core.domain.knowledge import Article, ArticleStatus
from core.ports import UnitOfWork
from kb.documents import ArticleText
from kb.encoder import Encoder, EncoderLoader
from kb.engine import SuggestionEngine
from kb.markdown_files import ArticleFile, article_text
from kb.semantic import encode_missing

log = logging.getLogger(__name__)


class KnowledgeBase:
    """The in-memory suggestion index over published articles."""

    def __init__(
        self,
        *,
        threshold: float | None = None,
        model: EncoderLoader | None = None,
        learn_after: int = 3,
    ) -> None:
        """*model* adds the semantic signal (None: the lexical engine only); *learn_after* is how
        many different people must confirm a question before an article learns it."""
        self.learn_after = learn_after
        self._threshold = threshold
        self._model = model
        self.engine = SuggestionEngine(threshold=threshold)
        self._seen_until: datetime | None = None  # newest updated_at already in the index

    def start_model(self) -> None:
        """Start loading the model in the background (a server does, to answer at once)."""
        if self._model is not None:
            self._model.start()

    async def load(self, uow: UnitOfWork, *, wait_for_model: bool = True) -> None:
        """Build the index from storage; with the model (waiting for it unless told not to),
        vectors come from storage where their version is kept, and new ones are stored."""
        articles = await uow.articles.all()
        published = [indexed(a) for a in articles if a.status == ArticleStatus.PUBLISHED]
        encoder = self._model.get(wait=wait_for_model) if self._model is not None else None
        cached = await uow.articles.vectors(model=encoder.name) if encoder else None
        self.engine = SuggestionEngine(
            published, threshold=self._threshold, encoder=encoder, vectors=cached
        )
        await self._keep_vectors(uow)
        self._note_seen(articles)

    async def sync(self, uow: UnitOfWork) -> int:
        """Take in articles changed by other processes (an import, another instance's admin panel)
        since the last load or sync, one at a time; add the semantic signal once a model loading
        in the background is ready. Returns how many articles changed."""
        if self._seen_until is None:
            await self.load(uow)
            return len(self.engine)
        changed = await uow.articles.changed_since(self._seen_until)
        for article in changed:
            self.refresh(article)
        self._note_seen(changed)
        encoder = self._model.get(wait=False) if self._model is not None else None
        if encoder is not None and not self.engine.semantic_ready:
            await self._attach(uow, encoder)
        await self._keep_vectors(uow)
        return len(changed)

    async def _attach(self, uow: UnitOfWork, encoder: Encoder) -> None:
        published = [indexed(a) for a in await uow.articles.all(status=ArticleStatus.PUBLISHED)]
        cached = await uow.articles.vectors(model=encoder.name)
        encoded = await asyncio.to_thread(encode_missing, encoder, published, cached)
        await uow.articles.keep_vectors(model=encoder.name, vectors=encoded, at=uow.clock.now())
        cached.update(encoded.values())
        # articles changed while encoding are encoded here, the rest come from the cache
        self.engine.attach_encoder(encoder, [a for a in published if a.id in self.engine], cached)
        log.info("knowledge base: semantic signal on (%d articles)", len(self.engine))

    async def _keep_vectors(self, uow: UnitOfWork) -> None:
        fresh = self.engine.fresh_vectors()
        if fresh and self._model is not None:
            encoder = self._model.get(wait=False)
            if encoder is not None:
                await uow.articles.keep_vectors(
                    model=encoder.name, vectors=fresh, at=uow.clock.now()
                )

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
        translation_of=article.translation_of,
    )


def indexed(article: Article) -> ArticleText:
    return article_text(article_file(article))
