"""Knowledge base: the article list, the editor (Markdown with a live preview, status, history,
figures, proposals) and the Markdown preview. Every change goes through ``core.services`` and
reaches the running process's suggestion index at once."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from admin import article_list, markdown
from admin.changes import RefusedPage, apply_change
from admin.deps import (
    PanelDep,
    UowDep,
    VisitorDep,
    actor_of,
    csrf_protected,
    role_at_least,
)
from admin.templating import redirect, render
from core.domain.article_versions import ArticleVersion, VersionState
from core.domain.enums import Role
from core.domain.knowledge import Article, ArticleStatus, CandidateStatus
from core.errors import InvalidInput, NotFound
from core.services import (
    article_proposals,
    article_versions,
    knowledge_review,
    phrasing_learning,
)
from core.services.accounts import Visitor
from core.services.article_curation import save_article
from core.settings import SUPPORTED_LANGUAGES
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(prefix="/kb", include_in_schema=False, dependencies=[Depends(csrf_protected)])
Text = Annotated[str, Form(max_length=110_000)]
Short = Annotated[str, Form(max_length=2_000)]
INTENTS = {
    "draft": ArticleStatus.DRAFT,
    "publish": ArticleStatus.PUBLISHED,
    "archive": ArticleStatus.ARCHIVED,
}


@router.get("", response_class=HTMLResponse)
async def article_index(
    request: Request,
    uow: UowDep,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=50)] = "",
    helpfulness: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=20)] = "updated",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    wanted = article_list.ArticleFilter(q, status, language, category, helpfulness, sort)
    found = await article_list.article_page(uow.session, wanted, page=page)
    languages, categories = await article_list.facets(uow.session)
    kept = {k: v for k, v in request.query_params.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return "/kb?" + urlencode({**kept, "page": number})

    return render(
        request,
        "kb_list.html",
        {
            "section": "kb",
            "page_url": page_url,
            "found": found,
            "wanted": wanted,
            "statuses": list(ArticleStatus),
            "languages": languages,
            "categories": categories,
            "helpfulness": article_list.HELPFULNESS,
            "proposals": len(await uow.article_versions.proposals()),
            "enough": article_list.ENOUGH_ANSWERS,
        },
    )


def article_from_form(
    article_id: str,
    *,
    title: str,
    body: str,
    language: str,
    category: str,
    tags: str,
    phrasings: str,
    status: ArticleStatus,
    translation_of: str = "",
) -> Article:
    return Article(
        id=article_id.strip().lower(),
        title=title.strip(),
        body=body.replace("\r\n", "\n"),
        language=language,
        category=category.strip(),
        tags=[t.strip() for t in tags.split(",") if t.strip()],
        phrasings=[p.strip() for p in phrasings.splitlines() if p.strip()],
        status=status,
        translation_of=translation_of.strip().lower() or None,
    )


async def _editor(
    request: Request,
    uow: SqlUnitOfWork,
    *,
    article: Article,
    is_new: bool,
    error: str | None = None,
    status_code: int = 200,
    unanswered_id: int | None = None,
) -> Response:
    versions = [] if is_new else await uow.article_versions.of_article(article.id)
    tickets_after = 0 if is_new else await article_list.tickets_after_shown(uow.session, article.id)
    _, categories = await article_list.facets(uow.session)
    translations = [] if is_new else await article_list.translations(uow.session, article)
    candidates = [
        c
        for c in ([] if is_new else await uow.knowledge_log.candidates_for(article.id))
        if c.status == CandidateStatus.PENDING
    ]
    return render(
        request,
        "kb_edit.html",
        {
            "section": "kb",
            "article": article,
            "is_new": is_new,
            "error": error,
            "languages": SUPPORTED_LANGUAGES,
            "categories": categories,
            "versions": versions,
            "proposals": [v for v in versions if v.state == VersionState.PROPOSED],
            "tickets_after": tickets_after,
            "preview": markdown.render(article.body),
            "unanswered_id": unanswered_id,
            "translations": translations,
            "candidates": candidates,
        },
        status_code=status_code,
    )


@router.get("/new", response_class=HTMLResponse)
async def new_article(
    request: Request, uow: UowDep, unanswered: Annotated[int | None, Query(ge=1)] = None
) -> Response:
    draft = Article(id="", title="", body="", language="en", status=ArticleStatus.DRAFT)
    if unanswered is not None:
        group = await uow.knowledge_log.unanswered_group(unanswered)
        if group is not None:
            draft.title = group.sample[:300]
            draft.phrasings = [group.sample[:500]]
            draft.language = group.language or "en"
    return await _editor(request, uow, article=draft, is_new=True, unanswered_id=unanswered)


async def _load(uow: SqlUnitOfWork, article_id: str) -> Article:
    found = await uow.articles.get(article_id[:100])
    if found is None:
        raise NotFound("There is no article '{id}'.", id=article_id[:100])
    return found


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def edit_article(request: Request, uow: UowDep, article_id: str) -> Response:
    await uow.articles.fold_uses()  # the figures as of now
    found = await uow.articles.get(article_id[:100])
    if found is None:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    return await _editor(request, uow, article=found, is_new=False)


async def _save(
    request: Request,
    panel: PanelDep,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    article: Article,
    *,
    is_new: bool,
    intent: str,
    unanswered_id: int | None,
) -> Response:
    actor = actor_of(visitor)

    async def change() -> Response:
        if unanswered_id is not None:  # first: the index changes only once all else is done
            await knowledge_review.answered_by_article(uow, actor=actor, group_id=unanswered_id)
        if intent == "propose":
            await article_proposals.propose(uow, actor=actor, article=article)
            return redirect(f"/kb/articles/{article.id}", notice="proposed")
        if is_new and await uow.articles.get(article.id) is not None:
            raise InvalidInput("There is already an article '{id}'.", id=article.id)
        await save_article(uow, panel.knowledge, actor=actor, article=article)
        return redirect(f"/kb/articles/{article.id}", notice="saved")

    async def refused(error: str, status_code: int) -> Response:
        return await _editor(
            request,
            uow,
            article=article,
            is_new=is_new,
            error=error,
            status_code=status_code,
            unanswered_id=unanswered_id,
        )

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.post("/new")
async def create_article(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    article_id: Short,
    title: Short = "",
    body: Text = "",
    language: Short = "en",
    category: Short = "",
    tags: Short = "",
    phrasings: Text = "",
    translation_of: Short = "",
    intent: Short = "draft",
    unanswered_id: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    article = article_from_form(
        article_id,
        title=title,
        body=body,
        language=language,
        category=category,
        tags=tags,
        phrasings=phrasings,
        status=INTENTS.get(intent, ArticleStatus.DRAFT),
        translation_of=translation_of,
    )
    return await _save(
        request,
        panel,
        uow,
        visitor,
        article,
        is_new=True,
        intent=intent,
        unanswered_id=unanswered_id,
    )


@router.post("/articles/{article_id}")
async def update_article(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    article_id: str,
    title: Short = "",
    body: Text = "",
    language: Short = "en",
    category: Short = "",
    tags: Short = "",
    phrasings: Text = "",
    translation_of: Short = "",
    intent: Short = "save",
) -> Response:
    stored = await _load(uow, article_id)
    status = INTENTS.get(intent, stored.status)
    article = article_from_form(
        stored.id,
        title=title,
        body=body,
        language=language,
        category=category,
        tags=tags,
        phrasings=phrasings,
        status=status,
        translation_of=translation_of,
    )
    return await _save(
        request, panel, uow, visitor, article, is_new=False, intent=intent, unanswered_id=None
    )


@router.post("/preview", response_class=HTMLResponse)
async def preview(body: Text = "") -> HTMLResponse:
    """The Markdown as the employee will see it, sanitised (the editor's live preview)."""
    return HTMLResponse(markdown.render(body))


@router.get("/articles/{article_id}/versions/{number}", response_class=HTMLResponse)
async def version_diff(request: Request, uow: UowDep, article_id: str, number: int) -> Response:
    version = await uow.article_versions.get(article_id[:100], number)
    if version is None:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    older: ArticleVersion | Article | None = None
    for candidate in await uow.article_versions.of_article(version.article_id):
        if candidate.number < number and candidate.state == VersionState.APPLIED:
            older = candidate
            break
    if version.state == VersionState.PROPOSED:
        older = await uow.articles.get(version.article_id)  # what applying it would change
    return render(
        request,
        "kb_diff.html",
        {"section": "kb", "version": version, "lines": article_versions.diff(older, version)},
    )


@router.post(
    "/articles/{article_id}/proposals/{number}/{decision}",
    dependencies=[role_at_least(Role.SUPERVISOR)],
)
async def decide_proposal(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    article_id: str,
    number: int,
    decision: str,
) -> Response:
    actor = actor_of(visitor)

    async def change() -> Response:
        if decision == "apply":
            await article_proposals.apply_proposal(
                uow, panel.knowledge, actor=actor, article_id=article_id, number=number
            )
            return redirect(f"/kb/articles/{article_id}", notice="applied")
        if decision == "discard":
            await article_proposals.discard_proposal(
                uow, actor=actor, article_id=article_id, number=number
            )
            return redirect(f"/kb/articles/{article_id}", notice="discarded")
        raise NotFound(
            "There is no open proposal {number} for '{id}'.", number=number, id=article_id
        )

    return await apply_change(
        uow, visitor, change, refused_page=_editor_again(request, uow, article_id)
    )


@router.post(
    "/articles/{article_id}/candidates/{candidate_id}/{decision}",
    dependencies=[role_at_least(Role.SUPERVISOR)],
)
async def decide_candidate(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    article_id: str,
    candidate_id: int,
    decision: str,
) -> Response:
    """Accept a phrasing people's questions suggested (the article learns it now) or reject it."""

    async def change() -> Response:
        await phrasing_learning.decide(
            uow,
            panel.knowledge,
            actor=actor_of(visitor),
            candidate_id=candidate_id,
            accept=decision == "accept",
        )
        return redirect(f"/kb/articles/{article_id}", notice="saved")

    return await apply_change(
        uow, visitor, change, refused_page=_editor_again(request, uow, article_id)
    )


def _editor_again(request: Request, uow: SqlUnitOfWork, article_id: str) -> RefusedPage:
    """The stored article's editor with the refusal (not found: the 404 page)."""

    async def page(error: str, status_code: int) -> Response:
        found = await uow.articles.get(article_id[:100])
        if found is None:
            return render(request, "not_found.html", {"what": None}, status_code=404)
        return await _editor(
            request, uow, article=found, is_new=False, error=error, status_code=status_code
        )

    return page
