"""kb_starter_articles: the version of each shipped starter article that was loaded

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_starter_articles",
        sa.Column("article_id", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_kb_starter_articles")),
    )


def downgrade() -> None:
    op.drop_table("kb_starter_articles")
