"""Read models for knowledge-base curation (the admin panel and the command line).

Read-only, like :mod:`storage.read_models`; every write goes through ``core.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from core.domain.knowledge import ArticleStatus
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
