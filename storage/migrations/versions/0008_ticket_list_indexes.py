"""ticket list: indexes for its orders and common filters; PostgreSQL trigram text search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDERS = {
    "ix_tickets_updated_at_number_id": ["updated_at", "number", "id"],
    "ix_tickets_created_at_number_id": ["created_at", "number", "id"],
    "ix_tickets_priority_created_at_number": ["priority", "created_at", "number"],
    "ix_tickets_assignee_id_updated_at": ["assignee_id", "updated_at", "number", "id"],
    "ix_tickets_group_id_updated_at": ["group_id", "updated_at", "number", "id"],
}
SEARCHED = ("title", "description")


def _has_trigrams() -> bool:
    """pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, so the database
    owner may create it; where it is missing, search still works, by scanning."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    return available is not None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_assignee_id")  # the first column of a new one
        for name, columns in ORDERS.items():
            batch_op.create_index(name, columns, unique=False)
    if _has_trigrams():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED:
            op.create_index(
                f"ix_tickets_{column}_trgm",
                "tickets",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_tickets_{column}_trgm")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in ORDERS:
            batch_op.drop_index(name)
        batch_op.create_index("ix_tickets_assignee_id", ["assignee_id"], unique=False)
