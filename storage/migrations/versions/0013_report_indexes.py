"""Indexes for the reports: tickets resolved or closed in a date range

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 13:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A report reads the tickets created, resolved or closed in its range: with these beside
    # the created_at index, PostgreSQL answers a month of a million tickets from three index
    # scans instead of reading the whole table.
    op.create_index("ix_tickets_resolved_at", "tickets", ["resolved_at"])
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
    op.drop_index("ix_tickets_resolved_at", table_name="tickets")
