"""SQLAlchemy implementation of the canned-replies port."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.canned import CannedReply
from storage import tables as t
from storage.repositories import _Repo


class SqlCannedReplyRepository(_Repo):
    async def all(self) -> list[CannedReply]:
        query = select(CannedReply).order_by(t.canned_replies.c.name)
        return list((await self.session.execute(query)).scalars())

    async def get(self, name: str) -> CannedReply | None:
        query = select(CannedReply).where(t.canned_replies.c.name == name)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_id(self, reply_id: int) -> CannedReply | None:
        return await self.session.get(CannedReply, reply_id)

    async def delete(self, reply: CannedReply) -> None:
        await self.session.delete(reply)
        await self.session.flush()
