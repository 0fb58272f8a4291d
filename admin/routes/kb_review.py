"""Knowledge base, the review side: "Test a question" (for published articles and for the draft
in the editor), the unanswered-question log with its actions, and zip import and export in the
format of `chatdesk kb import`."""

from __future__ import annotations

import io
import zipfile
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from admin.changes import apply_change
from admin.deps import (
    PanelDep,
    UowDep,
    VisitorDep,
    actor_of,
    csrf_protected,
    role_at_least,
)
from admin.routes.kb import Short, Text, article_from_form
from admin.templating import redirect, render
from core.domain.enums import Role
from core.domain.knowledge import ArticleStatus
from core.errors import ChatdeskError, InvalidInput
from core.services import knowledge_review
from core.services.article_curation import export_articles, import_articles
from core.services.knowledge_trial import try_question
from core.settings import SUPPORTED_LANGUAGES

router = APIRouter(prefix="/kb", include_in_schema=False, dependencies=[Depends(csrf_protected)])
Question = Annotated[str, Query(max_length=2_000)]
ZIP_MAX = 20 * 1024 * 1024  # the upload; the request limit is set on the route
UNPACKED_MAX = 50 * 1024 * 1024
FILES_MAX = 20_000


@router.get("/test", response_class=HTMLResponse)
async def test_page(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    q: Question = "",
    language: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    lang = language if language in SUPPORTED_LANGUAGES else None
    trial = await try_question(uow, panel.knowledge, question=q, language=lang) if q else None
    return render(
        request,
        "kb_test.html",
        {"section": "kb", "trial": trial, "q": q, "language": language or ""},
    )


@router.post("/test-draft", response_class=HTMLResponse)
async def test_draft(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    question: Short = "",
    article_id: Short = "",
    title: Short = "",
    body: Text = "",
    language: Short = "en",
    category: Short = "",
    tags: Short = "",
    phrasings: Text = "",
) -> Response:
    """The editor's live test: the question against the index with the form's article in it."""
    draft = article_from_form(
        article_id or "draft-under-test",
        title=title,
        body=body,
        language=language,
        category=category,
        tags=tags,
        phrasings=phrasings,
        status=ArticleStatus.PUBLISHED,
    )
    trial = None
    if question.strip() and draft.title and draft.body.strip():
        trial = await try_question(uow, panel.knowledge, question=question, draft=draft)
    return render(request, "kb_trial.html", {"trial": trial, "fragment": True})


@router.get("/unanswered", response_class=HTMLResponse)
async def unanswered_log(request: Request, uow: UowDep) -> Response:
    groups = await uow.knowledge_log.unanswered(limit=200)
    return render(request, "kb_unanswered.html", {"section": "kb", "groups": groups})


@router.post("/unanswered/{group_id}/dismiss", dependencies=[role_at_least(Role.SUPERVISOR)])
async def dismiss(uow: UowDep, visitor: VisitorDep, group_id: int) -> Response:
    try:
        await knowledge_review.dismiss(uow, actor=actor_of(visitor), group_id=group_id)
    except ChatdeskError:
        return redirect("/kb/unanswered")
    await uow.commit()
    return redirect("/kb/unanswered", notice="dismissed")


@router.get("/unanswered/{group_id}", response_class=HTMLResponse)
async def phrasing_picker(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    group_id: int,
    article: Annotated[str, Query(max_length=100)] = "",
    phrasing: Question = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The question's best candidates (pick one to teach it the question) and, for the picked
    article, the test again as if it already knew the phrasing."""
    group = await uow.knowledge_log.unanswered_group(group_id)
    if group is None or group.resolved:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    wording = phrasing.strip() or group.sample
    trial = await try_question(uow, panel.knowledge, question=wording)
    picked = await uow.articles.get(article) if article else None
    with_it = None
    if picked is not None:
        taught = article_from_form(
            picked.id,
            title=picked.title,
            body=picked.body,
            language=picked.language,
            category=picked.category,
            tags=", ".join(picked.tags),
            phrasings="\n".join([*picked.phrasings, wording]),
            status=ArticleStatus.PUBLISHED,
        )
        with_it = await try_question(uow, panel.knowledge, question=wording, draft=taught)
    return render(
        request,
        "kb_pick.html",
        {
            "section": "kb",
            "group": group,
            "wording": wording,
            "trial": trial,
            "picked": picked,
            "with_it": with_it,
            "error": error,
        },
        status_code=status_code,
    )


@router.post("/unanswered/{group_id}/phrasing", dependencies=[role_at_least(Role.SUPERVISOR)])
async def add_phrasing(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    group_id: int,
    article_id: Short = "",
    phrasing: Short = "",
) -> Response:
    async def change() -> Response:
        await knowledge_review.add_as_phrasing(
            uow,
            panel.knowledge,
            actor=actor_of(visitor),
            group_id=group_id,
            article_id=article_id.strip(),
            phrasing=phrasing.strip() or None,
        )
        return redirect(f"/kb/articles/{article_id.strip()}", notice="phrasing")

    async def refused(error: str, status_code: int) -> Response:
        return await phrasing_picker(
            request,
            panel,
            uow,
            group_id,
            article=article_id,
            phrasing=phrasing,
            error=error,
            status_code=status_code,
        )

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.get("/export", dependencies=[role_at_least(Role.SUPERVISOR)])
async def export_zip(uow: UowDep) -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in await export_articles(uow):
            archive.writestr(f"articles/{name}", text)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="knowledge-base.zip"'},
    )


@router.get("/import", response_class=HTMLResponse, dependencies=[role_at_least(Role.ADMIN)])
async def import_form(request: Request) -> Response:
    return render(request, "kb_import.html", {"section": "kb", "report": None})


def _markdown_files(data: bytes) -> list[tuple[str, str]]:
    """The .md files of a zip, refusing archives that unpack to far more than they weigh."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput("That is not a zip file.") from None
    entries = [i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".md")]
    if len(entries) > FILES_MAX or sum(i.file_size for i in entries) > UNPACKED_MAX:
        raise InvalidInput("The zip holds too much: at most 20,000 files and 50 MB unpacked.")
    files = []
    for info in entries:
        name = info.filename.rsplit("/", 1)[-1]
        try:
            files.append((name, archive.read(info).decode("utf-8")))
        except UnicodeDecodeError:
            files.append((name, ""))  # reported by the importer as a bad file
    return files


@router.post(
    "/import",
    response_class=HTMLResponse,
    dependencies=[role_at_least(Role.ADMIN)],
    max_body_size=ZIP_MAX + 64 * 1024,
)
async def import_zip(
    request: Request,
    panel: PanelDep,
    uow: UowDep,
    visitor: VisitorDep,
    archive: Annotated[UploadFile, File()],
) -> Response:
    async def change() -> Response:
        files = _markdown_files(await archive.read(ZIP_MAX + 1))
        if not files:
            raise InvalidInput("The zip holds no .md files.")
        report = await import_articles(uow, panel.knowledge, actor=actor_of(visitor), files=files)
        return render(request, "kb_import.html", {"section": "kb", "report": report})

    async def refused(error: str, status_code: int) -> Response:
        context = {"section": "kb", "report": None, "error": error}
        return render(request, "kb_import.html", context, status_code=status_code)

    return await apply_change(uow, visitor, change, refused_page=refused)
