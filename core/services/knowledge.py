"""Knowledge-base use cases: suggest articles, learn from the answers, curate and import articles.

The suggestion index (:class:`kb.engine.SuggestionEngine`) lives in memory, one per process,
built from the published articles at start-up and updated one article at a time when an
article changes. Everything else (articles, counters, the suggestion log and the
unanswered-question log) is in storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rapidfuzz import fuzz

from core.domain.enums import Role
from core.domain.knowledge import (
    Article,
    ArticleStatus,
    SuggestionEvent,
    SuggestionOutcome,
    UnansweredQuestion,
    UnansweredReason,
)
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.context import Actor, clean_text, require_role
from kb.documents import ArticleText
from kb.engine import SuggestionEngine
from kb.markdown_files import (
    ArticleFile,
    ArticleFormatError,
    article_text,
    parse_article_file,
    render_article_file,
)
from kb.normalize import normalize

QUESTION_MAX = 10_000  # longer questions are cut for the log (the engine reads all of it)
PHRASING_MAX = 500
NEAR_IDENTICAL = 90  # token-sort similarity (0-100) at which two unanswered questions are one group
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class KnowledgeBase:
    """The in-memory suggestion index over published articles."""

    def __init__(self, *, threshold: float | None = None) -> None:
        self.engine = SuggestionEngine(threshold=threshold)
        self._seen_until: datetime | None = None  # newest updated_at already in the index

    async def load(self, uow: UnitOfWork) -> None:
        articles = await uow.articles.all()
        self.engine = SuggestionEngine(
            (_indexed(a) for a in articles if a.status == ArticleStatus.PUBLISHED),
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
            self.engine.upsert(_indexed(article))
        elif article.id in self.engine:
            self.engine.remove(article.id)


@dataclass(frozen=True, slots=True)
class Suggested:
    article: Article
    score: float


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    event_id: int
    items: list[Suggested] = field(default_factory=list)


async def suggest(
    uow: UnitOfWork,
    kb: KnowledgeBase,
    *,
    question: str,
    channel: str,
    person_id: int | None = None,
    language: str | None = None,
    limit: int = 3,
) -> SuggestionResult:
    """Suggest up to ``limit`` published articles, and log that we did (or that none was found)."""
    found = kb.engine.suggest(question, language=language, limit=limit)
    items: list[Suggested] = []
    for hit in found:
        article = await uow.articles.get(hit.article_id)
        if article is not None and article.status == ArticleStatus.PUBLISHED:
            items.append(Suggested(article, hit.score))
    now = uow.clock.now()
    event = SuggestionEvent(
        question=question[:QUESTION_MAX],
        channel=channel,
        person_id=person_id,
        language=language,
        article_ids=[s.article.id for s in items],
        scores=[round(s.score, 4) for s in items],
        outcome=SuggestionOutcome.PENDING if items else SuggestionOutcome.NONE_FOUND,
        created_at=now,
    )
    uow.add(event)
    await uow.articles.bump([s.article.id for s in items], "suggested")
    if not items and question.strip():
        await _log_unanswered(uow, question, language, UnansweredReason.NO_SUGGESTION)
    await uow.flush()
    assert event.id is not None
    return SuggestionResult(event.id, items)


async def article_opened(
    uow: UnitOfWork, *, article_id: str, event_id: int | None = None
) -> Article:
    article = await uow.articles.get(article_id)
    if article is None or article.status != ArticleStatus.PUBLISHED:
        raise NotFound("That article is no longer available.")
    await uow.articles.bump([article_id], "opened")
    return article


async def record_outcome(
    uow: UnitOfWork,
    *,
    event_id: int,
    outcome: SuggestionOutcome,
    article_id: str | None = None,
    ticket_id: int | None = None,
) -> None:
    """The person's answer to a suggestion. Only the first answer counts toward the statistics;
    a later escalation still links the ticket."""
    event = await uow.knowledge_log.event(event_id, for_update=True)
    if event is None:
        raise NotFound("That suggestion is no longer known.")
    if outcome in (SuggestionOutcome.PENDING, SuggestionOutcome.NONE_FOUND):
        raise InvalidInput("'{outcome}' is not an answer.", outcome=outcome.value)
    if article_id is not None and article_id not in event.article_ids:
        raise InvalidInput("That article was not among the suggestions.")
    now = uow.clock.now()
    if ticket_id is not None:
        event.ticket_id = ticket_id
    if event.outcome == SuggestionOutcome.NONE_FOUND:
        event.answered_at = now  # nothing was shown; the question is already in the unanswered log
        return
    if event.outcome != SuggestionOutcome.PENDING:
        # Only the first answer counts; "not helped" followed by a ticket is recorded as escalated.
        if outcome == SuggestionOutcome.ESCALATED and event.outcome == SuggestionOutcome.NOT_HELPED:
            event.outcome, event.answered_at = outcome, now
        return
    event.outcome, event.answered_at = outcome, now
    if outcome == SuggestionOutcome.HELPED:
        event.helped_article_id = article_id
        await uow.articles.bump([article_id] if article_id else event.article_ids[:1], "helped")
    else:
        await uow.articles.bump([article_id] if article_id else event.article_ids, "not_helped")
        await _log_unanswered(uow, event.question, event.language, UnansweredReason.NOT_HELPED)


async def _log_unanswered(
    uow: UnitOfWork, question: str, language: str | None, reason: UnansweredReason
) -> None:
    key = normalize(question)[:500]
    if not key:
        return
    now = uow.clock.now()
    for group in await uow.knowledge_log.open_unanswered(language=language):
        if (
            group.normalized == key
            or fuzz.token_sort_ratio(group.normalized, key) >= NEAR_IDENTICAL
        ):
            group.count += 1
            group.last_seen = now
            return
    uow.add(
        UnansweredQuestion(
            normalized=key,
            sample=question[:2000],
            reason=reason,
            language=language,
            first_seen=now,
            last_seen=now,
        )
    )


async def save_article(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, article: Article
) -> Article:
    """Create or update an article (admins). The index follows at once."""
    require_role(actor, Role.ADMIN, doing="edit knowledge-base articles")
    _validate(article)
    stored = await uow.articles.get(article.id)
    now = uow.clock.now()
    if stored is None:
        article.created_at = article.updated_at = now
        article.author = article.author or actor.person.display_name
        uow.add(article)
        stored = article
    else:
        for name in ("title", "body", "language", "category", "tags", "phrasings", "status"):
            setattr(stored, name, getattr(article, name))
        stored.updated_at = now
    await uow.flush()
    kb.refresh(stored)
    return stored


async def add_phrasing(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, article_id: str, phrasing: str
) -> Article:
    """Teach an article a question people ask for it (e.g. one it helped with)."""
    require_role(actor, Role.ADMIN, doing="edit knowledge-base articles")
    text = clean_text(phrasing, what="phrasing", limit=PHRASING_MAX)
    article = await uow.articles.get(article_id)
    if article is None:
        raise NotFound("There is no article '{id}'.", id=article_id)
    if text.casefold() in (p.casefold() for p in article.phrasings):
        raise InvalidInput("Article '{id}' already has that phrasing.", id=article_id)
    article.phrasings = [*article.phrasings, text]
    article.updated_at = uow.clock.now()
    kb.refresh(article)
    return article


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file name, what is wrong)


async def import_articles(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, files: Iterable[tuple[str, str]]
) -> ImportReport:
    """Create or update articles by id from Markdown files with front matter.

    Bad files are reported by name and skipped; the rest are imported. Files that share an id
    are all skipped, since there is no telling which one is right. Importing the same files twice
    changes nothing.
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
        stored = await uow.articles.get(article_id)
        if stored is not None and _same(stored, incoming):
            report.unchanged.append(article_id)
            continue
        (report.updated if stored else report.created).append(article_id)
        await save_article(uow, kb, actor=actor, article=incoming)
    return report


async def export_articles(uow: UnitOfWork) -> list[tuple[str, str]]:
    """Every article as (file name, Markdown with front matter), the import format."""
    return [(f"{a.id}.md", render_article_file(_to_file(a))) for a in await uow.articles.all()]


def _validate(article: Article) -> None:
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
    )


def _to_file(article: Article) -> ArticleFile:
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


def _same(stored: Article, incoming: Article) -> bool:
    fields = ("title", "body", "language", "category", "tags", "phrasings", "status")
    return all(getattr(stored, f) == getattr(incoming, f) for f in fields)


def _indexed(article: Article) -> ArticleText:
    return article_text(_to_file(article))
