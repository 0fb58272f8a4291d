"""Counts many intakes add to (article uses, repeats of an unanswered question): every one
counted exactly once, and on PostgreSQL without a hot row (storage.tallies)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.knowledge import UnansweredQuestion, UnansweredReason
from storage import tables as t
from storage.unit_of_work import Database

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


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


async def test_repeats_of_an_unanswered_question_are_counted_once(db: Database) -> None:
    """Each repeat counts once in the group's count and moves its last-seen moment, whether
    the repeats come at once or one after another, and however many folds run."""
    async with db.uow() as uow:
        group = UnansweredQuestion(
            normalized="printer on fire", sample="Printer on fire", reason=UnansweredReason.NOT_HELPED,
            language="en", first_seen=START, last_seen=START,
        )  # fmt: skip
        uow.add(group)
        await uow.commit()
    group_id = group.id

    async def again(minutes: int) -> None:
        async with db.uow() as uow:
            await uow.knowledge_log.seen_again(group_id, START + timedelta(minutes=minutes))
            await uow.commit()

    await asyncio.gather(*(again(m) for m in (3, 1, 2)))
    await again(5)
    async with db.uow() as uow:
        await uow.knowledge_log.fold_seen()
        await uow.commit()
    async with db.uow() as uow:
        (listed,) = await uow.knowledge_log.unanswered()
        assert (listed.count, listed.last_seen) == (5, START + timedelta(minutes=5))
