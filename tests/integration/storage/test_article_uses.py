"""Article use counters: every use counted exactly once, and on PostgreSQL without a hot row."""

from __future__ import annotations

import asyncio

import pytest

from storage import tables as t
from storage.unit_of_work import Database


async def _article(db: Database, article_id: str) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(
            t.kb_articles.insert().values(
                id=article_id, title=article_id, body="", language="en", category="network",
                tags=[], phrasings=[], status="published", suggested_count=0, opened_count=0,
                helped_count=0, not_helped_count=0,
            )
        )  # fmt: skip


async def _counts(db: Database, article_id: str) -> tuple[int, int, int, int]:
    async with db.uow() as uow:
        await uow.articles.fold_uses()
        await uow.commit()
    async with db.uow() as uow:
        a = await uow.articles.get(article_id)
        assert a is not None
        return a.suggested_count, a.opened_count, a.helped_count, a.not_helped_count


async def test_uses_are_counted_once_after_folds(db: Database) -> None:
    await _article(db, "vpn")
    await _article(db, "printer")
    async with db.uow() as uow:
        await uow.articles.bump(["vpn", "printer"], "suggested")
        await uow.articles.bump(["vpn"], "opened")
        await uow.commit()
    async with db.uow() as uow:
        await uow.articles.bump(["vpn"], "suggested")
        await uow.rollback()  # a use whose intake failed does not count
    assert await _counts(db, "vpn") == (1, 1, 0, 0)
    async with db.uow() as uow:
        await uow.articles.bump(["vpn"], "helped")
        await uow.articles.bump(["printer"], "not_helped")
        await uow.commit()
    assert await _counts(db, "vpn") == (1, 1, 1, 0)
    assert await _counts(db, "vpn") == (1, 1, 1, 0), "a second fold adds nothing"
    assert await _counts(db, "printer") == (1, 0, 0, 1)
    with pytest.raises(ValueError):
        async with db.uow() as uow:
            await uow.articles.bump(["vpn"], "liked")


async def test_uses_of_one_article_do_not_wait_for_each_other(db: Database, backend: str) -> None:
    """PostgreSQL: while one intake that showed the article is still open, another shows it
    and commits; folds running at the same time count each use once."""
    if backend == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time")
    await _article(db, "vpn")
    async with db.uow() as first:
        await first.articles.bump(["vpn"], "suggested")

        async def another() -> None:
            async with db.uow() as uow:
                await uow.articles.bump(["vpn"], "suggested")
                await uow.commit()

        await asyncio.wait_for(asyncio.gather(*(another() for _ in range(5))), timeout=10)
        await first.commit()

    async def fold() -> None:
        async with db.uow() as uow:
            await uow.articles.fold_uses()
            await uow.commit()

    await asyncio.gather(*(fold() for _ in range(4)))
    assert await _counts(db, "vpn") == (6, 0, 0, 0)
