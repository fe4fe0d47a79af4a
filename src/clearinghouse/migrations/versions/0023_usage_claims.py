"""usage claims: owners claim unmatched usage as their works; accepted claims alias identifiers

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import clearinghouse.core.db

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "usage_claims",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("claimant_id", sa.String(length=40), nullable=False),
        sa.Column("filed_by_id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("identifier", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("alias_scheme", sa.String(length=60), nullable=False),
        sa.Column("alias_value", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_file", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by_id", sa.String(length=40), nullable=True),
        sa.Column("decision_reason", sa.String(length=40), nullable=True),
        sa.Column("decision_note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["claimant_id"], ["parties.id"],
                                name=op.f("fk_usage_claims_claimant_id_parties")),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"],
                                name=op.f("fk_usage_claims_work_id_works")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_claims")),
    )
    op.create_index("ix_usage_claims_status_created", "usage_claims", ["status", "created_at"])
    op.create_index("ix_usage_claims_claimant", "usage_claims", ["claimant_id"])
    op.create_index("ix_usage_claims_alias", "usage_claims",
                    ["alias_scheme", "alias_value", "status"])


def downgrade() -> None:
    op.drop_index("ix_usage_claims_alias", table_name="usage_claims")
    op.drop_index("ix_usage_claims_claimant", table_name="usage_claims")
    op.drop_index("ix_usage_claims_status_created", table_name="usage_claims")
    op.drop_table("usage_claims")
