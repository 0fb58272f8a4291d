"""unanswered log: an index on the open groups of a language, newest first, so a self-help
miss reads at most its 500 candidates however long the log has grown

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 20:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kb_unanswered", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kb_unanswered_open", ["resolved", "language", "last_seen"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kb_unanswered", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_unanswered_open")
