"""SQLAlchemy implementation of the article-history port."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain.article_versions import ArticleVersion, VersionState
from storage import tables as t
from storage.repositories import _Repo


class SqlArticleVersionRepository(_Repo):
    async def latest_number(self, article_id: str) -> int:
        query = select(func.max(t.kb_article_versions.c.number)).where(
            t.kb_article_versions.c.article_id == article_id
        )
        return int((await self.session.execute(query)).scalar_one_or_none() or 0)

    async def of_article(self, article_id: str) -> list[ArticleVersion]:
        query = (
            select(ArticleVersion)
            .where(t.kb_article_versions.c.article_id == article_id)
            .order_by(t.kb_article_versions.c.number.desc())
        )
        return list((await self.session.execute(query)).scalars())

    async def get(self, article_id: str, number: int) -> ArticleVersion | None:
        query = select(ArticleVersion).where(
            t.kb_article_versions.c.article_id == article_id,
            t.kb_article_versions.c.number == number,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def proposals(self, *, limit: int = 100) -> list[ArticleVersion]:
        query = (
            select(ArticleVersion)
            .where(t.kb_article_versions.c.state == VersionState.PROPOSED)
            .order_by(t.kb_article_versions.c.id)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
