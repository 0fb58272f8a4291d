"""Reports: a partial index on the audit trail's reopenings

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The reopen rate asks, per ticket, whether it was ever reopened: without this index that
    # question reads every audit entry of the desk.
    op.create_index(
        "ix_audit_entries_reopened",
        "audit_entries",
        ["ticket_id"],
        postgresql_where=sa.text("action = 'reopened'"),
        sqlite_where=sa.text("action = 'reopened'"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_entries_reopened", table_name="audit_entries")
