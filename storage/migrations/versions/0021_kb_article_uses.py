"""kb_article_uses: PostgreSQL records each use of an article (suggested, opened, helped, not
helped) as a row, folded into the article's counters later (storage.article_uses), instead of
bumping the counter under the article's row lock until the intake commits

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_article_uses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
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


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # keep what was counted
        op.execute(
            "UPDATE kb_articles SET "
            + ", ".join(
                f"{name}_count = {name}_count + (SELECT count(*) FROM kb_article_uses u "
                f"WHERE u.article_id = kb_articles.id AND u.counter = '{name}')"
                for name in ("suggested", "opened", "helped", "not_helped")
            )
        )
    op.drop_index(op.f("ix_kb_article_uses_article_id"), table_name="kb_article_uses")
    op.drop_table("kb_article_uses")
