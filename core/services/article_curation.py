"""Curating the knowledge base: create and edit articles, teach them phrasings, import and
export them as Markdown files. The in-memory index follows every change at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.domain.article_versions import action_for, may_save_directly
from core.domain.enums import Role
from core.domain.knowledge import Article, ArticleStatus
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.ports import UnitOfWork
from core.services import article_versions
from core.services.context import Actor, clean_text, require_role
from core.services.knowledge_index import KnowledgeBase, article_file
from kb.documents import TWIN_SUFFIX, twin_by_name
from kb.markdown_files import (
    ArticleFile,
    ArticleFormatError,
    parse_article_file,
    render_article_file,
)

PHRASING_MAX = 500
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What an article says (as opposed to its counters): what an edit replaces and an import compares.
CONTENT_FIELDS = (
    "title", "body", "language", "category", "tags", "phrasings", "status", "translation_of",
)  # fmt: skip


async def save_article(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, article: Article
) -> Article:
    """Create or update an article. Supervisors and admins edit anything; agents write drafts
    (their change to a published article is a proposal: ``article_proposals``). The index
    follows at once; the article's history records the version."""
    require_role(actor, Role.AGENT, doing="edit knowledge-base articles")
    validate_article(article)
    stored = await uow.articles.get(article.id)
    before = stored.status if stored else None
    if not may_save_directly(
        supervisor=actor.person.has_role(Role.SUPERVISOR), before=before, after=article.status
    ):
        raise PermissionDenied(
            "Agents write drafts; publishing, archiving and editing published articles is for "
            "supervisors (your change can be proposed instead)."
        )
    now = uow.clock.now()
    if stored is None:
        article.created_at = article.updated_at = now
        article.author = article.author or actor.person.display_name
        uow.add(article)
        stored = article
    else:
        for name in CONTENT_FIELDS:
            setattr(stored, name, getattr(article, name))
        stored.updated_at = now
    await uow.flush()
    await article_versions.record(
        uow, actor=actor, after=stored, action=action_for(before, stored.status)
    )
    kb.refresh(stored)
    return stored


async def add_phrasing(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, article_id: str, phrasing: str
) -> Article:
    """Teach an article a question people ask for it (e.g. one it helped with)."""
    require_role(actor, Role.SUPERVISOR, doing="add phrasings to articles")
    text = clean_text(phrasing, what="phrasing", limit=PHRASING_MAX)
    article = await uow.articles.get(article_id)
    if article is None:
        raise NotFound("There is no article '{id}'.", id=article_id)
    if text.casefold() in (p.casefold() for p in article.phrasings):
        raise InvalidInput("Article '{id}' already has that phrasing.", id=article_id)
    article.phrasings = [*article.phrasings, text]
    article.updated_at = uow.clock.now()
    await article_versions.record(uow, actor=actor, after=article, action="phrasing added")
    kb.refresh(article)
    return article


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file name, what is wrong)
    # (article, the one it translates) linked by the naming rule, having no translation_of
    linked: list[tuple[str, str]] = field(default_factory=list)


async def import_articles(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, files: Iterable[tuple[str, str]]
) -> ImportReport:
    """Create or update articles by id from Markdown files with front matter.

    Bad files are reported by name and skipped; the rest are imported. Files that share an id
    are all skipped, since there is no telling which one is right. Importing the same files twice
    changes nothing. A file without ``translation_of`` named ``X-ru`` (in Russian) is linked as
    the translation of ``X`` when that exists in the files or the knowledge base (the naming rule
    of bases that predate the link, :func:`kb.documents.twin_by_name`); an explicit link wins.
    """
    require_role(actor, Role.ADMIN, doing="import knowledge-base articles")
    report = ImportReport()
    parsed: dict[str, list[tuple[str, ArticleFile]]] = {}
    for name, text in files:
        try:
            item = parse_article_file(text)
        except ArticleFormatError as bad:
            report.errors.append((name, str(bad)))
            continue
        parsed.setdefault(item.id, []).append((name, item))
    for article_id, found in sorted(parsed.items()):
        if len(found) > 1:
            names = ", ".join(n for n, _ in found)
            report.errors.extend((n, f"duplicate id {article_id!r} (in {names})") for n, _ in found)
            continue
        name, item = found[0]
        incoming = _from_file(item)
        if incoming.translation_of is None:
            incoming.translation_of = await _twin_by_name(uow, incoming, parsed)
            if incoming.translation_of is not None:
                report.linked.append((article_id, incoming.translation_of))
        stored = await uow.articles.get(article_id)
        if stored is not None and _same(stored, incoming):
            report.unchanged.append(article_id)
            continue
        (report.updated if stored else report.created).append(article_id)
        await save_article(uow, kb, actor=actor, article=incoming)
    return report


async def export_articles(uow: UnitOfWork) -> list[tuple[str, str]]:
    """Every article as (file name, Markdown with front matter), the import format."""
    return [(f"{a.id}.md", render_article_file(article_file(a))) for a in await uow.articles.all()]


def validate_article(article: Article) -> None:
    """Refuse an article that cannot be stored (bad id, language, empty title or body)."""
    if not _SLUG.match(article.id) or len(article.id) > 100:
        raise InvalidInput(
            "Article id '{id}' must be kebab-case (a-z, 0-9, -), at most 100 characters.",
            id=article.id,
        )
    clean_text(article.title, what="title", limit=300)
    clean_text(article.body, what="body", limit=100_000)
    if article.language not in ("en", "ru"):
        raise InvalidInput(
            "Unsupported article language '{language}'; use en or ru.", language=article.language
        )
    article.status = ArticleStatus(article.status)
    if article.translation_of is not None and (
        article.translation_of == article.id or not _SLUG.match(article.translation_of)
    ):
        raise InvalidInput(
            "Article '{id}' cannot be a translation of '{other}'.",
            id=article.id,
            other=article.translation_of,
        )


def _from_file(item: ArticleFile) -> Article:
    try:
        status = ArticleStatus(item.status)
    except ValueError:
        raise InvalidInput("Unknown status '{status}'.", status=item.status) from None
    return Article(
        id=item.id,
        title=item.title,
        body=item.body,
        language=item.language,
        category=item.category,
        tags=list(item.tags),
        phrasings=list(item.phrasings),
        status=status,
        translation_of=item.translation_of,
    )


async def _twin_by_name(
    uow: UnitOfWork, article: Article, incoming: dict[str, list[tuple[str, ArticleFile]]]
) -> str | None:
    """The group *article* joins by the naming rule, its original looked up among the imported
    files first, then in the knowledge base."""
    known: dict[str, tuple[str, str | None]] = {}
    for candidate in {article.id.removesuffix(s) for s in TWIN_SUFFIX.values()} - {article.id}:
        files = incoming.get(candidate)
        if files and len(files) == 1:
            known[candidate] = (files[0][1].language, files[0][1].translation_of)
        elif (stored := await uow.articles.get(candidate)) is not None:
            known[candidate] = (stored.language, stored.translation_of)
    return twin_by_name(article.id, article.language, known)


def _same(stored: Article, incoming: Article) -> bool:
    return all(getattr(stored, f) == getattr(incoming, f) for f in CONTENT_FIELDS)
