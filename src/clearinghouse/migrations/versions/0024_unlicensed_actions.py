"""unlicensed actions: the owner's offers and claims on unlicensed use

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "unlicensed_actions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("holder_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("territory", sa.String(length=2), nullable=False),
        sa.Column("evidence", JSONB, nullable=False),
        sa.Column("quote_id", sa.String(length=40), nullable=True),
        sa.Column("license_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_basis", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["holder_id"], ["parties.id"],
                                name=op.f("fk_unlicensed_actions_holder_id_parties")),
        sa.ForeignKeyConstraint(["user_id"], ["parties.id"],
                                name=op.f("fk_unlicensed_actions_user_id_parties")),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"],
                                name=op.f("fk_unlicensed_actions_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unlicensed_actions")),
    )
    op.create_index("ix_unlicensed_actions_holder", "unlicensed_actions", ["holder_id", "created_at"])
    op.create_index("ix_unlicensed_actions_user", "unlicensed_actions", ["user_id", "created_at"])
    op.create_index("ix_unlicensed_actions_use", "unlicensed_actions", ["work_id", "user_id"])


def downgrade() -> None:
    op.drop_table("unlicensed_actions")
