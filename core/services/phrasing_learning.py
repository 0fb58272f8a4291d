"""Learning phrasings from use: questions that articles answered become candidate phrasings.

A question whose suggested article the asker confirmed ("this solved it"), or a requester's
ticket an agent answered by sending an article, is a candidate phrasing of that article. Never a
"not helpful" answer. Curators list the candidates with the number of distinct people who
confirmed each and accept or reject them (``chatdesk kb learn``); once ``learn_after`` different
people confirmed a pending candidate, it is added by itself. A rejected candidate is never added.

Adding a phrasing edits the article (``updated_at``), so every process's index takes it in with
its next sync; a curator's decision refreshes the caller's index at once.
"""

from __future__ import annotations

from collections.abc import Callable

from core.domain.enums import Role
from core.domain.knowledge import (
    Article,
    CandidateStatus,
    ConfirmationSource,
    PhrasingCandidate,
)
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.context import Actor, require_role
from core.services.knowledge_index import KnowledgeBase
from kb.learning import candidate_key, candidate_text, same_candidate

LEARN_AFTER = 3  # distinct people; the setting CHATDESK_KB_LEARN_AFTER
AUTOMATIC = "automatic"


def person_key(*, person_id: int | None, event_id: int | None = None) -> str:
    """Who confirmed: a known person, or (unknown asker) the one suggestion event."""
    return f"person:{person_id}" if person_id is not None else f"event:{event_id}"


async def merge_people(uow: UnitOfWork, *, keep_id: int, drop_id: int) -> None:
    """Two person records became one: the absorbed one's confirmations are the kept one's, so
    one person never counts twice toward ``learn_after``."""
    await uow.knowledge_log.move_votes(
        from_key=person_key(person_id=drop_id), to_key=person_key(person_id=keep_id)
    )


async def confirm(
    uow: UnitOfWork,
    *,
    article_id: str,
    question: str,
    person: str,
    source: ConfirmationSource,
    learn_after: int = LEARN_AFTER,
    read: Callable[[str], str] | None = None,
) -> PhrasingCandidate | None:
    """Count *person*'s confirmation that *article_id* answered *question*; add the phrasing to
    the article once ``learn_after`` distinct people confirmed it. None when the question makes
    no phrasing (too short or too long) or the article is gone.

    *read* is how the index reads a question (``SuggestionEngine.reading``: transliteration and
    typo repair); the candidate is the question as read, so a Latin-typed Russian or misspelt
    question teaches the words the index knows, not the typed ones."""
    text = candidate_text(read(question) if read else question)
    article = await uow.articles.get(article_id)
    if text is None or article is None:
        return None
    key = candidate_key(text)
    if not key or any(same_candidate(key, candidate_key(p)) for p in article.phrasings):
        return None  # the article already has it
    now = uow.clock.now()
    found = next(
        (
            c
            for c in await uow.knowledge_log.candidates_for(article_id)
            if same_candidate(key, c.normalized)
        ),
        None,
    )
    if found is None:
        found = PhrasingCandidate(
            article_id=article_id, normalized=key, sample=text, first_seen=now, last_seen=now
        )
        uow.add(found)
        await uow.flush()
    assert found.id is not None
    if await uow.knowledge_log.add_vote(found.id, person_key=person, source=source, at=now):
        found.people += 1
        found.last_seen = now
    if found.status == CandidateStatus.PENDING and found.people >= max(1, learn_after):
        _accept(uow, article, found, by=AUTOMATIC)
    return found


async def decide(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, candidate_id: int, accept: bool
) -> PhrasingCandidate:
    """A curator accepts (adds the phrasing now) or rejects (never adds it) a candidate."""
    require_role(actor, Role.SUPERVISOR, doing="curate knowledge-base phrasings")
    candidate = await uow.knowledge_log.candidate(candidate_id)
    if candidate is None:
        raise NotFound("There is no phrasing candidate {id}.", id=candidate_id)
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidInput(
            "Phrasing candidate {id} is already {status}.",
            id=candidate_id,
            status=candidate.status.value,
        )
    by = actor.person.display_name
    if accept:
        article = await uow.articles.get(candidate.article_id)
        if article is None:
            raise NotFound("There is no article '{id}'.", id=candidate.article_id)
        _accept(uow, article, candidate, by=by)
        kb.refresh(article)
    else:
        candidate.status = CandidateStatus.REJECTED
        candidate.decided_at, candidate.decided_by = uow.clock.now(), by
    return candidate


def _accept(uow: UnitOfWork, article: Article, candidate: PhrasingCandidate, *, by: str) -> None:
    now = uow.clock.now()
    article.phrasings = [*article.phrasings, candidate.sample]
    article.updated_at = now
    candidate.status = CandidateStatus.ACCEPTED
    candidate.decided_at, candidate.decided_by = now, by
