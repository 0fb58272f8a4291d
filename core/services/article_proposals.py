"""Agents' changes to published articles wait as proposals until a supervisor applies or
discards them."""

from __future__ import annotations

from core.domain.article_versions import ArticleVersion, VersionState, snapshot
from core.domain.enums import Role
from core.domain.knowledge import Article
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.article_curation import save_article, validate_article
from core.services.context import Actor, require_role
from core.services.knowledge_index import KnowledgeBase


async def propose(uow: UnitOfWork, *, actor: Actor, article: Article) -> ArticleVersion:
    """An agent's change to a published or archived article, kept for a supervisor to apply."""
    require_role(actor, Role.AGENT, doing="propose knowledge-base edits")
    validate_article(article)
    stored = await uow.articles.get(article.id)
    if stored is None:
        raise NotFound("There is no article '{id}'.", id=article.id)
    if snapshot(stored) == snapshot(article):
        raise InvalidInput("Nothing changed.")
    version = ArticleVersion(
        article_id=article.id,
        number=await uow.article_versions.latest_number(article.id) + 1,
        action="proposed",
        state=VersionState.PROPOSED,
        author_id=actor.person.id,
        author_name=actor.person.display_name,
        created_at=uow.clock.now(),
        **snapshot(article),  # type: ignore[arg-type]
    )
    uow.add(version)
    return version


async def _proposal(uow: UnitOfWork, article_id: str, number: int) -> ArticleVersion:
    version = await uow.article_versions.get(article_id, number)
    if version is None or version.state != VersionState.PROPOSED:
        raise NotFound(
            "There is no open proposal {number} for '{id}'.", number=number, id=article_id
        )
    return version


async def apply_proposal(
    uow: UnitOfWork, kb: KnowledgeBase, *, actor: Actor, article_id: str, number: int
) -> Article:
    """Make a proposed version the article (a supervisor's save, recorded as theirs)."""
    require_role(actor, Role.SUPERVISOR, doing="apply proposed edits")
    version = await _proposal(uow, article_id, number)
    version.state = VersionState.APPLIED
    article = Article(id=article_id, **version.content())  # type: ignore[arg-type]
    return await save_article(uow, kb, actor=actor, article=article)


async def discard_proposal(
    uow: UnitOfWork, *, actor: Actor, article_id: str, number: int
) -> ArticleVersion:
    require_role(actor, Role.SUPERVISOR, doing="discard proposed edits")
    version = await _proposal(uow, article_id, number)
    version.state = VersionState.DISCARDED
    return version
