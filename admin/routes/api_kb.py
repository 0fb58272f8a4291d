"""``/api/v1/articles``: list, read, create, update and suggest knowledge-base articles, through
the same use cases as the panel (the live index follows every change at once)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from admin import article_list
from admin.deps import PanelDep, UowDep
from admin.routes.api import Caller, scoped
from core.domain.accounts import Scope
from core.domain.knowledge import Article, ArticleStatus
from core.errors import InvalidInput, NotFound
from core.services import suggestions
from core.services.article_curation import save_article

router = APIRouter(prefix="/articles", tags=["articles"])
ArticleId = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Reader = Annotated[Caller, scoped(Scope.KB_READ)]
Writer = Annotated[Caller, scoped(Scope.KB_WRITE)]


class ArticleIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=100_000)
    language: Literal["en", "ru"]
    category: str = Field(default="", max_length=50)
    tags: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=50)
    phrasings: list[Annotated[str, Field(max_length=500)]] = Field(default=[], max_length=200)
    status: ArticleStatus = ArticleStatus.DRAFT


class NewArticleIn(ArticleIn):
    id: str = Field(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ArticleOut(NewArticleIn):
    suggested: int
    opened: int
    helped: int
    not_helped: int
    updated_at: datetime | None


class ArticlePageOut(BaseModel):
    items: list[article_list.ListedArticle]
    page: int
    per_page: int
    total: int


class SuggestIn(BaseModel):
    question: str = Field(min_length=1, max_length=10_000)
    language: Literal["en", "ru"] | None = None
    limit: int = Field(default=3, ge=1, le=10)


class SuggestionOut(BaseModel):
    id: str
    title: str
    score: float


class SuggestOut(BaseModel):
    event_id: int
    suggestions: list[SuggestionOut]


def _out(article: Article) -> ArticleOut:
    return ArticleOut(
        id=article.id,
        title=article.title,
        body=article.body,
        language=article.language,  # type: ignore[arg-type]
        category=article.category,
        tags=article.tags,
        phrasings=article.phrasings,
        status=article.status,
        suggested=article.suggested_count,
        opened=article.opened_count,
        helped=article.helped_count,
        not_helped=article.not_helped_count,
        updated_at=article.updated_at,
    )


@router.get("", response_model=ArticlePageOut, summary="List and filter articles")
async def list_articles(
    caller: Reader,
    uow: UowDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: ArticleStatus | None = None,
    language: Literal["en", "ru"] | None = None,
    category: Annotated[str, Query(max_length=50)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> ArticlePageOut:
    wanted = article_list.ArticleFilter(q, status or "", language or "", category)
    found = await article_list.article_page(uow.session, wanted, page=page)
    return ArticlePageOut(
        items=found.rows, page=found.page, per_page=article_list.PAGE_SIZE, total=found.total
    )


@router.get("/{article_id}", response_model=ArticleOut, summary="An article")
async def read_article(caller: Reader, uow: UowDep, article_id: ArticleId) -> ArticleOut:
    await uow.articles.fold_uses()  # the figures as of now
    article = await uow.articles.get(article_id)
    if article is None:
        raise NotFound("There is no article '{id}'.", id=article_id)
    return _out(article)


async def _store(
    caller: Caller, panel: PanelDep, uow: UowDep, article_id: str, data: ArticleIn
) -> ArticleOut:
    article = Article(id=article_id, **data.model_dump())
    saved = await save_article(uow, panel.knowledge, actor=caller.actor, article=article)
    await uow.commit()
    return _out(saved)


@router.post("", response_model=ArticleOut, status_code=201, summary="Create an article")
async def create_article(
    caller: Writer, panel: PanelDep, uow: UowDep, request: NewArticleIn
) -> ArticleOut:
    if await uow.articles.get(request.id) is not None:
        raise InvalidInput("There is already an article '{id}'.", id=request.id)
    return await _store(caller, panel, uow, request.id, ArticleIn(**request.model_dump()))


@router.put("/{article_id}", response_model=ArticleOut, summary="Replace an article's content")
async def update_article(
    caller: Writer, panel: PanelDep, uow: UowDep, article_id: ArticleId, request: ArticleIn
) -> ArticleOut:
    """Publish, unpublish and archive by setting ``status`` (articles are kept, with their
    history, rather than deleted)."""
    if await uow.articles.get(article_id) is None:
        raise NotFound("There is no article '{id}'.", id=article_id)
    return await _store(caller, panel, uow, article_id, request)


@router.post("/suggest", response_model=SuggestOut, summary="What the bot would suggest")
async def suggest(caller: Reader, panel: PanelDep, uow: UowDep, request: SuggestIn) -> SuggestOut:
    """Suggestions for a question, as the bot makes them; logged and counted like theirs (with
    the channel ``api``), so a portal or an integration feeds the same figures."""
    found = await suggestions.suggest(
        uow,
        panel.knowledge,
        question=request.question,
        channel="api",
        person_id=caller.person.id,
        language=request.language,
        limit=request.limit,
    )
    await uow.commit()
    return SuggestOut(
        event_id=found.event_id,
        suggestions=[
            SuggestionOut(id=s.article.id, title=s.article.title, score=s.score)
            for s in found.items
        ],
    )
