"""categories.parent_id (the category tree); stored_files (long texts kept as .txt attachments)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("parent_id", Id, nullable=True))
        batch.create_foreign_key(
            op.f("fk_categories_parent_id_categories"),
            "categories",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "stored_files",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
    )


def downgrade() -> None:
    op.drop_table("stored_files")
    with op.batch_alter_table("categories") as batch:
        batch.drop_constraint(op.f("fk_categories_parent_id_categories"), type_="foreignkey")
        batch.drop_column("parent_id")
