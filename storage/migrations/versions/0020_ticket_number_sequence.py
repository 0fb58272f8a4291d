"""PostgreSQL: ticket numbers from a sequence (ticket_number_seq, owned by tickets.number)
instead of the "ticket" counter row, whose row lock queued every intake behind the commit of
the one before; it continues from the counter. SQLite keeps its counter row.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 19:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQUENCE = "ticket_number_seq"
FIRST = 1001


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE SEQUENCE {SEQUENCE} START WITH {FIRST} OWNED BY tickets.number")
    op.execute(
        f"SELECT setval('{SEQUENCE}', value) FROM counters WHERE name = 'ticket' AND value >= {FIRST}"
    )
    op.execute("DELETE FROM counters WHERE name = 'ticket'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"INSERT INTO counters (name, value) SELECT 'ticket', last_value FROM {SEQUENCE} "
        "WHERE is_called"
    )
    op.execute(f"DROP SEQUENCE {SEQUENCE}")
