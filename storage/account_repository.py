"""SQLAlchemy implementation of the accounts port: sign-in accounts, sessions, API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from core.domain.accounts import ApiToken, WebAccount, WebSession
from storage import tables as t
from storage.repositories import _Repo


class SqlAccountRepository(_Repo):
    async def by_email(self, email: str) -> WebAccount | None:
        query = select(WebAccount).where(t.web_accounts.c.email == email.strip().lower())
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get(self, account_id: int) -> WebAccount | None:
        return await self.session.get(WebAccount, account_id)

    async def for_person(self, person_id: int) -> WebAccount | None:
        query = select(WebAccount).where(t.web_accounts.c.person_id == person_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def all(self) -> list[WebAccount]:
        query = select(WebAccount).order_by(t.web_accounts.c.email)
        return list((await self.session.execute(query)).scalars())

    async def web_session(self, token_hash: str) -> WebSession | None:
        return await self.session.get(WebSession, token_hash)

    async def end_session(self, token_hash: str) -> None:
        await self.session.execute(
            delete(t.web_sessions).where(t.web_sessions.c.token_hash == token_hash)
        )

    async def end_sessions(self, account_id: int) -> int:
        result = await self.session.execute(
            delete(t.web_sessions).where(t.web_sessions.c.account_id == account_id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def end_idle_sessions(self, *, seen_before: datetime) -> int:
        result = await self.session.execute(
            delete(t.web_sessions).where(t.web_sessions.c.last_seen_at < seen_before)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        query = select(ApiToken).where(t.api_tokens.c.token_hash == token_hash)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def token(self, token_id: int) -> ApiToken | None:
        return await self.session.get(ApiToken, token_id)

    async def tokens(self, *, person_id: int | None = None) -> list[ApiToken]:
        query = select(ApiToken).order_by(t.api_tokens.c.id.desc())
        if person_id is not None:
            query = query.where(t.api_tokens.c.person_id == person_id)
        return list((await self.session.execute(query)).scalars())

    async def count(self) -> int:
        return int(
            (await self.session.execute(select(func.count(t.web_accounts.c.id)))).scalar_one()
        )
