"""Suggesting articles for a question, and learning from the answers.

Every suggestion shown is logged with the person's answer (helped, not helped, went on to a
ticket), counted per article; questions nothing answered land in the unanswered log, grouped
with near-identical ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from core.domain.knowledge import (
    Article,
    ArticleStatus,
    ConfirmationSource,
    SuggestionEvent,
    SuggestionOutcome,
    UnansweredQuestion,
    UnansweredReason,
)
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services import phrasing_learning
from core.services.knowledge_index import KnowledgeBase
from kb.normalize import normalize

QUESTION_MAX = 10_000  # longer questions are cut for the log (the engine reads all of it)
NEAR_IDENTICAL = 90  # token-sort similarity (0-100) at which two unanswered questions are one group


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
    rejected: Sequence[str] = (),
    learn_after: int = phrasing_learning.LEARN_AFTER,
    read: Callable[[str], str] | None = None,
) -> None:
    """The person's answer to a suggestion. Only the first answer counts toward the statistics;
    a later escalation still links the ticket.

    ``article_id`` is the article that helped (or, with a negative answer, one that did not);
    ``rejected`` every article the person saw and found not helpful. Each of those counts one
    "not helped", whatever the final answer. A negative answer naming no article at all counts
    every suggested article.

    "This solved it" makes the question a candidate phrasing of the article that helped (added
    once ``learn_after`` different people confirmed it); a negative answer never does. *read*
    is how the index reads the question (see ``phrasing_learning.confirm``).
    """
    event = await uow.knowledge_log.event(event_id, for_update=True)
    if event is None:
        raise NotFound("That suggestion is no longer known.")
    if outcome in (SuggestionOutcome.PENDING, SuggestionOutcome.NONE_FOUND):
        raise InvalidInput("'{outcome}' is not an answer.", outcome=outcome.value)
    named = [a for a in (article_id, *rejected) if a is not None]
    if any(a not in event.article_ids for a in named):
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
        helped = article_id or (event.article_ids[0] if event.article_ids else None)
        await uow.articles.bump([helped] if helped else [], "helped")
        not_helped = [a for a in dict.fromkeys(rejected) if a != article_id]
        if helped is not None:
            await phrasing_learning.confirm(
                uow,
                article_id=helped,
                question=event.question,
                person=phrasing_learning.person_key(person_id=event.person_id, event_id=event.id),
                source=ConfirmationSource.HELPED,
                learn_after=learn_after,
                read=read,
            )
    else:
        not_helped = list(dict.fromkeys(named)) or event.article_ids
        await _log_unanswered(uow, event.question, event.language, UnansweredReason.NOT_HELPED)
    await uow.articles.bump(not_helped, "not_helped")


async def _log_unanswered(
    uow: UnitOfWork, question: str, language: str | None, reason: UnansweredReason
) -> None:
    key = normalize(question)[:500]
    if not key:
        return
    now = uow.clock.now()
    log = uow.knowledge_log
    for group_id, normalized in await log.open_unanswered_keys(
        language=language, lengths=_near_lengths(key)
    ):
        if normalized == key or fuzz.token_sort_ratio(normalized, key) >= NEAR_IDENTICAL:
            await log.seen_again(group_id, now)
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


def _near_lengths(key: str) -> tuple[int, int]:
    """The lengths a question can have and still be NEAR_IDENTICAL to ``key``: the similarity
    is 100 * (1 - edits / (len(a) + len(b))) and takes at least |len(a) - len(b)| edits, so
    len(b) lies within len(a) * s / (200 - s) and len(a) * (200 - s) / s (s = NEAR_IDENTICAL);
    one character more each way for a key cut at 500 in the middle of a word."""
    size = len(key)
    return (
        size * NEAR_IDENTICAL // (200 - NEAR_IDENTICAL) - 1,
        -(-size * (200 - NEAR_IDENTICAL) // NEAR_IDENTICAL) + 1,
    )
