"""Counts that many intakes add to at once, without a hot row: an article's use counters
(suggested, opened, helped, not helped) and how often an unanswered question came back.

SQLite: each use adds one to the stored count at once; there is one writer anyway.
PostgreSQL: each use is a row of its own (``kb_article_uses``, ``kb_unanswered_seen``). Adding
one to the stored count held that row's lock until the intake's commit, and when many people
asked about the same outage every intake queued behind the one before (seen in
bench/telegram_throughput.py --waits). Inserting rows never waits for another transaction.
The fold functions move the rows into the counts in one statement (``DELETE … RETURNING``
feeding the ``UPDATE``): a row is counted once, also when two instances fold at the same moment
(the second finds it deleted), and rows of transactions not yet committed wait for the next fold.
The runner folds every few seconds, and readers fold before showing counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables as t

COUNTERS = ("suggested", "opened", "helped", "not_helped")


def _records_rows(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"  # type: ignore[union-attr]


async def count_uses(session: AsyncSession, article_ids: Sequence[str], counter: str) -> None:
    """One use of ``counter`` for each article, in the caller's transaction."""
    if counter not in COUNTERS:
        raise ValueError(f"unknown counter {counter!r}")
    if not article_ids:
        return
    if _records_rows(session):
        await session.execute(
            insert(t.kb_article_uses),
            [{"article_id": a, "counter": counter} for a in article_ids],
        )
        return
    column = t.kb_articles.c[f"{counter}_count"]
    await session.execute(
        update(t.kb_articles)
        .where(t.kb_articles.c.id.in_(list(article_ids)))
        .values({column: column + 1})
    )


async def fold_uses(session: AsyncSession) -> None:
    """Add the recorded uses to the articles' counters (nothing to do on SQLite)."""
    if not _records_rows(session):
        return
    uses = t.kb_article_uses
    gone = delete(uses).returning(uses.c.article_id, uses.c.counter).cte("gone")
    sums = (
        select(
            gone.c.article_id,
            *(func.count().filter(gone.c.counter == name).label(name) for name in COUNTERS),
        )
        .group_by(gone.c.article_id)
        .cte("sums")
    )
    articles = t.kb_articles
    await session.execute(
        update(articles)
        .where(articles.c.id == sums.c.article_id)
        .values({f"{name}_count": articles.c[f"{name}_count"] + sums.c[name] for name in COUNTERS})
    )


async def seen_again(session: AsyncSession, group_id: int, at: datetime) -> None:
    """The unanswered question ``group_id`` was asked once more, at ``at``."""
    if _records_rows(session):
        await session.execute(insert(t.kb_unanswered_seen).values(group_id=group_id, seen_at=at))
        return
    groups = t.kb_unanswered
    await session.execute(
        update(groups).where(groups.c.id == group_id).values(count=groups.c.count + 1, last_seen=at)
    )


async def fold_seen(session: AsyncSession) -> None:
    """Add the recorded repeats to the unanswered questions' counts and last-seen moments."""
    if not _records_rows(session):
        return
    seen = t.kb_unanswered_seen
    gone = delete(seen).returning(seen.c.group_id, seen.c.seen_at).cte("gone")
    sums = (
        select(gone.c.group_id, func.count().label("n"), func.max(gone.c.seen_at).label("last"))
        .group_by(gone.c.group_id)
        .cte("sums")
    )
    groups = t.kb_unanswered
    await session.execute(
        update(groups)
        .where(groups.c.id == sums.c.group_id)
        .values(
            count=groups.c.count + sums.c.n,
            last_seen=func.greatest(groups.c.last_seen, sums.c.last),
        )
    )
