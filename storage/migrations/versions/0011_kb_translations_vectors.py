"""kb_articles.translation_of and kb_article_vectors (the semantic vector of each article version)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kb_articles") as batch:
        batch.add_column(sa.Column("translation_of", sa.String(length=100), nullable=True))
        batch.create_index(
            batch.f("ix_kb_articles_translation_of"), ["translation_of"], unique=False
        )
    op.create_table(
        "kb_article_vectors",
        sa.Column("article_id", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("version_key", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_kb_article_vectors")),
    )


def downgrade() -> None:
    op.drop_table("kb_article_vectors")
    with op.batch_alter_table("kb_articles") as batch:
        batch.drop_index(batch.f("ix_kb_articles_translation_of"))
        batch.drop_column("translation_of")
