"""ticket list: indexes for "one assignee, one priority" and "one group's queue in one status",
each in the list's order, so the count reads the index alone and the page stops after one page

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 17:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_tickets_assignee_id_priority_updated_at": [
        "assignee_id",
        "priority",
        "updated_at",
        "number",
        "id",
    ],
    "ix_tickets_group_id_status_updated_at": ["group_id", "status", "updated_at", "number", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
