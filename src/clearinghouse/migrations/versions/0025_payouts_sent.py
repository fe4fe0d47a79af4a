"""royalty payouts: each posted payout, and when and under which reference it was sent

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import clearinghouse.core.db

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "royalty_payouts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_entry_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_reference", sa.String(length=200), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("sent_by_id", sa.String(length=40), nullable=True),
        sa.Column("sent_entry_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"],
                                name=op.f("fk_royalty_payouts_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_royalty_payouts")),
    )
    op.create_index("ix_royalty_payouts_party_period", "royalty_payouts", ["party_id", "period"])


def downgrade() -> None:
    op.drop_index("ix_royalty_payouts_party_period", table_name="royalty_payouts")
    op.drop_table("royalty_payouts")
