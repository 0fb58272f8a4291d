"""Read models for knowledge-base curation (the admin panel and the command line).

Read-only, like :mod:`storage.read_models`; every write goes through ``core.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from core.domain.knowledge import ArticleStatus, CandidateStatus, PhrasingCandidate
from storage import tables as t
from storage.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class GroupMember:
    id: str
    language: str
    title: str
    status: ArticleStatus
    is_original: bool  # the article the others translate


async def translation_group(uow: SqlUnitOfWork, article_id: str) -> list[GroupMember]:
    """The article's translation group, original first, then by language and id: the article it
    translates (or itself) and every article translating that one. [] for an unknown id."""
    a = t.kb_articles
    row = (
        await uow.session.execute(select(a.c.id, a.c.translation_of).where(a.c.id == article_id))
    ).first()
    if row is None:
        return []
    root = row.translation_of or row.id
    rows = await uow.session.execute(
        select(a.c.id, a.c.language, a.c.title, a.c.status)
        .where(or_(a.c.id == root, a.c.translation_of == root))
        .order_by(a.c.language, a.c.id)
    )
    members = [GroupMember(i, lang, title, status, i == root) for i, lang, title, status in rows]
    return sorted(members, key=lambda m: not m.is_original)


@dataclass(frozen=True, slots=True)
class CandidateRow:
    candidate: PhrasingCandidate
    article_title: str | None  # None when the article was deleted


async def phrasing_candidates(
    uow: SqlUnitOfWork,
    *,
    status: CandidateStatus | None = CandidateStatus.PENDING,
    limit: int = 100,
) -> list[CandidateRow]:
    """Phrasing candidates (pending by default; None: all), most confirmed first, with the
    title of their article, in one query."""
    c, a = t.kb_phrasing_candidates, t.kb_articles
    query = select(PhrasingCandidate, a.c.title).outerjoin(a, a.c.id == c.c.article_id)
    if status is not None:
        query = query.where(c.c.status == status.value)
    query = query.order_by(c.c.people.desc(), c.c.last_seen.desc(), c.c.id).limit(limit)
    rows = await uow.session.execute(query)
    return [CandidateRow(candidate, title) for candidate, title in rows.all()]
