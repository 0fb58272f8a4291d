"""kb_article_uses and kb_unanswered_seen: PostgreSQL records each use of an article
(suggested, opened, helped, not helped) and each repeat of an unanswered question as a row,
folded into the counts later (storage.tallies), instead of adding to a count under that row's
lock until the intake commits

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("suggested", "opened", "helped", "not_helped")


def _id() -> sa.Column[int]:
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
        nullable=False,
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "kb_article_uses",
        _id(),
        sa.Column("article_id", sa.String(length=100), nullable=False),
        sa.Column("counter", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_uses_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_uses")),
    )
    op.create_index(
        op.f("ix_kb_article_uses_article_id"), "kb_article_uses", ["article_id"], unique=False
    )
    op.create_table(
        "kb_unanswered_seen",
        _id(),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["kb_unanswered.id"],
            name=op.f("fk_kb_unanswered_seen_group_id_kb_unanswered"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_unanswered_seen")),
    )
    op.create_index(
        op.f("ix_kb_unanswered_seen_group_id"), "kb_unanswered_seen", ["group_id"], unique=False
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # keep what was counted
        op.execute(
            "UPDATE kb_articles SET "
            + ", ".join(
                f"{name}_count = {name}_count + (SELECT count(*) FROM kb_article_uses u "
                f"WHERE u.article_id = kb_articles.id AND u.counter = '{name}')"
                for name in COUNTERS
            )
        )
        op.execute(
            "UPDATE kb_unanswered SET count = count + s.n, last_seen = greatest(last_seen, s.last) "
            "FROM (SELECT group_id, count(*) AS n, max(seen_at) AS last FROM kb_unanswered_seen "
            "GROUP BY group_id) AS s WHERE s.group_id = kb_unanswered.id"
        )
    op.drop_index(op.f("ix_kb_unanswered_seen_group_id"), table_name="kb_unanswered_seen")
    op.drop_table("kb_unanswered_seen")
    op.drop_index(op.f("ix_kb_article_uses_article_id"), table_name="kb_article_uses")
    op.drop_table("kb_article_uses")
