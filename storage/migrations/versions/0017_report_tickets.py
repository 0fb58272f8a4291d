"""Reports: the summary table report_tickets (one row per ticket), filled for existing tickets

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.report_tickets import backfill

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The speed and agents reports measured every ticket's working time in Python on each
    # request (a minute at 100,000 tickets); this table keeps those figures, with the columns
    # the reports filter and count by, so they aggregate in SQL. storage.report_tickets keeps
    # it correct from now on; the backfill below measures the tickets already there.
    op.create_table(
        "report_tickets",
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("origin_channel", sa.String(length=20), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "assignee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("rating_score", sa.Integer(), nullable=True),
        sa.Column("response_state", sa.String(length=32), nullable=True),
        sa.Column("resolution_state", sa.String(length=32), nullable=True),
        sa.Column("response_work_s", sa.Float(), nullable=True),
        sa.Column("response_calendar_s", sa.Float(), nullable=True),
        sa.Column("resolution_work_s", sa.Float(), nullable=True),
        sa.Column("resolution_calendar_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assignee_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    for column in ("created_at", "resolved_at", "closed_at", "status"):
        op.create_index(f"ix_report_tickets_{column}", "report_tickets", [column])
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("report_tickets")
