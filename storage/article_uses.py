"""Article use counters (suggested, opened, helped, not helped) without a hot row.

SQLite: each use adds one to the article's counter at once; there is one writer anyway.
PostgreSQL: each use is a row of its own in ``kb_article_uses``. A counter bump held the
article's row lock until the intake's commit, and when many people asked about the same outage
every intake queued behind the one before (seen in bench/telegram_throughput.py --waits).
Inserting rows never waits for another transaction. :func:`fold` moves the rows into the
counters in one statement (``DELETE … RETURNING`` feeding the ``UPDATE``): a row is counted
once, also when two instances fold at the same moment (the second finds it deleted), and rows
of transactions not yet committed wait for the next fold.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables as t

COUNTERS = ("suggested", "opened", "helped", "not_helped")


def _records_rows(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"  # type: ignore[union-attr]


async def count(session: AsyncSession, article_ids: Sequence[str], counter: str) -> None:
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


async def fold(session: AsyncSession) -> int:
    """Add the recorded uses to the articles' counters; how many articles changed. Nothing to
    do on SQLite, whose counters are always current."""
    if not _records_rows(session):
        return 0
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
    changed = await session.execute(
        update(articles)
        .where(articles.c.id == sums.c.article_id)
        .values({f"{name}_count": articles.c[f"{name}_count"] + sums.c[name] for name in COUNTERS})
        .returning(articles.c.id)
    )
    return len(changed.all())
