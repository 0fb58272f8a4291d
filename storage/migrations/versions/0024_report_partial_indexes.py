"""Reports: partial indexes for the backlog when a range begins and for the latest comments

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As storage.tables spells them (a migration keeps its own copy: the tables may change later).
COMMENTED = "rating_comment <> '' AND rated_at IS NOT NULL"
NOT_DONE = "resolved_at IS NULL AND closed_at IS NULL"


def upgrade() -> None:
    # The backlog at a month's start read every ticket created before it (0.14 s at a million
    # tickets); the never-finished ones are a few thousand.
    op.create_index(
        "ix_report_tickets_not_done",
        "report_tickets",
        ["created_at"],
        postgresql_where=sa.text(NOT_DONE),
        sqlite_where=sa.text(NOT_DONE),
    )
    # The latest comments sorted every commented rating of the desk (0.24 s at a million).
    op.create_index(
        "ix_tickets_commented_rated_at",
        "tickets",
        ["rated_at", "number"],
        postgresql_where=sa.text(COMMENTED),
        sqlite_where=sa.text(COMMENTED),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_commented_rated_at", table_name="tickets")
    op.drop_index("ix_report_tickets_not_done", table_name="report_tickets")
