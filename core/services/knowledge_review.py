"""Working the unanswered-question log: answer a group with a new phrasing of an article,
mark it answered by a new article, or dismiss it."""

from __future__ import annotations

from core.domain.enums import Role
from core.domain.knowledge import Article, UnansweredQuestion
from core.errors import NotFound
from core.ports import UnitOfWork
from core.services.article_curation import add_phrasing
from core.services.context import Actor, require_role
from core.services.knowledge_index import KnowledgeBase


async def _open_group(uow: UnitOfWork, group_id: int) -> UnansweredQuestion:
    group = await uow.knowledge_log.unanswered_group(group_id)
    if group is None or group.resolved:
        raise NotFound("That question is no longer in the unanswered log.")
    return group


async def dismiss(uow: UnitOfWork, *, actor: Actor, group_id: int) -> UnansweredQuestion:
    """Not a knowledge-base question (a greeting, a joke, a one-off): take it off the log."""
    require_role(actor, Role.SUPERVISOR, doing="work the unanswered log")
    group = await _open_group(uow, group_id)
    group.resolved = True
    return group


async def answered_by_article(
    uow: UnitOfWork, *, actor: Actor, group_id: int
) -> UnansweredQuestion:
    """A new article covers the question (the editor calls this when it saves one started
    from the log)."""
    require_role(actor, Role.AGENT, doing="work the unanswered log")
    group = await _open_group(uow, group_id)
    group.resolved = True
    return group


async def add_as_phrasing(
    uow: UnitOfWork,
    kb: KnowledgeBase,
    *,
    actor: Actor,
    group_id: int,
    article_id: str,
    phrasing: str | None = None,
) -> Article:
    """Teach an article the question (or an edited wording of it): from now on it is found."""
    require_role(actor, Role.SUPERVISOR, doing="work the unanswered log")
    group = await _open_group(uow, group_id)
    article = await add_phrasing(
        uow, kb, actor=actor, article_id=article_id, phrasing=phrasing or group.sample
    )
    group.resolved = True
    return article
