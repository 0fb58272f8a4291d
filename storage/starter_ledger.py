"""The record of which starter-article versions were loaded (table ``kb_starter_articles``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables as t


class SqlStarterLedger:
    """Article id -> hash of the shipped version last loaded into it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hashes(self) -> dict[str, str]:
        rows = await self.session.execute(
            select(t.kb_starter_articles.c.article_id, t.kb_starter_articles.c.content_hash)
        )
        return {article_id: content_hash for article_id, content_hash in rows.all()}

    async def record(self, loaded: Mapping[str, str], *, at: datetime) -> None:
        if not loaded:
            return
        table = t.kb_starter_articles
        await self.session.execute(delete(table).where(table.c.article_id.in_(list(loaded))))
        await self.session.execute(
            insert(table),
            [{"article_id": a, "content_hash": h, "loaded_at": at} for a, h in loaded.items()],
        )
