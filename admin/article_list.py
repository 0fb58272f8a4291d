"""The knowledge-base list's query: search, filters (status, language, category, helpfulness)
and one page of articles with their figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, cast, func, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement, TextClause

from core.domain.knowledge import Article, ArticleStatus
from storage import tables as t
from storage import tallies

PAGE_SIZE = 50
SEARCH_MAX = 200
ENOUGH_ANSWERS = 3  # below this many "solved it"/"not helpful" answers a percentage means little
HELPFULNESS = {
    "low": "Mostly not helpful (under 50 %)",
    "high": "Helpful (80 % or more)",
    "unrated": "Too few answers yet",
}
SORTS = {
    "updated": (t.kb_articles.c.updated_at.desc(), t.kb_articles.c.id),
    "title": (t.kb_articles.c.title, t.kb_articles.c.id),
    "suggested": (t.kb_articles.c.suggested_count.desc(), t.kb_articles.c.id),
}


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    text: str = ""
    status: str = ""
    language: str = ""
    category: str = ""
    helpfulness: str = ""
    sort: str = "updated"


@dataclass(frozen=True, slots=True)
class ListedArticle:
    id: str
    title: str
    language: str
    category: str
    status: ArticleStatus
    suggested: int
    helped: int
    not_helped: int
    updated_at: datetime | None

    @property
    def answers(self) -> int:
        return self.helped + self.not_helped

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.helped / self.answers) if self.answers else None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    rows: list[ListedArticle]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Select[Any], wanted: ArticleFilter) -> Select[Any]:
    c = t.kb_articles.c
    if wanted.status in {s.value for s in ArticleStatus}:
        query = query.where(c.status == ArticleStatus(wanted.status))
    if wanted.language:
        query = query.where(c.language == wanted.language[:8])
    if wanted.category:
        query = query.where(c.category == wanted.category[:50])
    answers = c.helped_count + c.not_helped_count
    if wanted.helpfulness == "low":
        query = query.where(answers >= ENOUGH_ANSWERS, c.helped_count * 2 < answers)
    elif wanted.helpfulness == "high":
        query = query.where(answers >= ENOUGH_ANSWERS, c.helped_count * 5 >= answers * 4)
    elif wanted.helpfulness == "unrated":
        query = query.where(answers < ENOUGH_ANSWERS)
    text = wanted.text.strip()[:SEARCH_MAX]
    if text:
        pattern = _like(text)
        query = query.where(
            or_(
                c.id.ilike(pattern, escape="\\"),
                c.title.ilike(pattern, escape="\\"),
                c.body.ilike(pattern, escape="\\"),
            )
        )
    return query


async def article_page(
    session: AsyncSession, wanted: ArticleFilter, *, page: int = 1
) -> ArticlePage:
    await tallies.fold_uses(session)  # the figures as of now
    c = t.kb_articles.c
    total = (
        await session.execute(_filtered(select(func.count()).select_from(t.kb_articles), wanted))
    ).scalar_one()
    page = min(max(1, page), max(1, -(-total // PAGE_SIZE)))
    query = (
        select(
            c.id, c.title, c.language, c.category, c.status, c.suggested_count,
            c.helped_count, c.not_helped_count, c.updated_at,
        )
        .order_by(*SORTS.get(wanted.sort, SORTS["updated"]))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )  # fmt: skip
    rows = [ListedArticle(*row) for row in await session.execute(_filtered(query, wanted))]
    return ArticlePage(rows, total, page)


async def facets(session: AsyncSession) -> tuple[list[str], list[str]]:
    """The languages and categories articles have, for the filters."""
    c = t.kb_articles.c
    languages = (
        await session.execute(select(c.language).distinct().order_by(c.language))
    ).scalars()
    categories = (
        await session.execute(select(c.category).distinct().order_by(c.category))
    ).scalars()
    return list(languages), list(categories)


async def tickets_after_shown(session: AsyncSession, article_id: str) -> int:
    """How many tickets were opened after the bot had suggested this article."""
    events = t.kb_suggestion_events
    shown: ColumnElement[bool] | TextClause
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        shown = cast(events.c.article_ids, JSONB).contains([article_id])
    else:
        shown = text(
            "EXISTS (SELECT 1 FROM json_each(kb_suggestion_events.article_ids) "
            "WHERE json_each.value = :article_id)"
        ).bindparams(article_id=article_id)
    query = select(func.count()).where(events.c.ticket_id.is_not(None), shown)
    return int((await session.execute(query)).scalar_one())


async def translations(session: AsyncSession, article: Article) -> list[tuple[str, str, str]]:
    """(id, language, title) of the article's translations: what it translates and what
    translates it (or its original)."""
    c = t.kb_articles.c
    root = article.translation_of or article.id
    query = (
        select(c.id, c.language, c.title)
        .where(or_(c.id == root, c.translation_of == root), c.id != article.id)
        .order_by(c.language, c.id)
    )
    return [(row.id, row.language, row.title) for row in await session.execute(query)]
