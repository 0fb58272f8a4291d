"""kb_phrasing_candidates and kb_phrasing_votes: questions articles answered, learned as phrasings

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_phrasing_candidates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("article_id", sa.String(length=100), nullable=False),
        sa.Column("normalized", sa.String(length=500), nullable=False),
        sa.Column("sample", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_phrasing_candidates")),
    )
    op.create_index(
        op.f("ix_kb_phrasing_candidates_article_id"), "kb_phrasing_candidates", ["article_id"]
    )
    op.create_index(op.f("ix_kb_phrasing_candidates_status"), "kb_phrasing_candidates", ["status"])
    op.create_table(
        "kb_phrasing_votes",
        sa.Column(
            "candidate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("person_key", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["kb_phrasing_candidates.id"],
            name=op.f("fk_kb_phrasing_votes_candidate_id_kb_phrasing_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "person_key", name=op.f("pk_kb_phrasing_votes")),
    )


def downgrade() -> None:
    op.drop_table("kb_phrasing_votes")
    op.drop_index(op.f("ix_kb_phrasing_candidates_status"), table_name="kb_phrasing_candidates")
    op.drop_index(op.f("ix_kb_phrasing_candidates_article_id"), table_name="kb_phrasing_candidates")
    op.drop_table("kb_phrasing_candidates")
