"""usage reports: one row per usage report received and landed in the lake

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 21:00:00

A report's lines live in the usage lake (Parquet under <data_dir>/lake); this row says whether
they count (`landed`), with the file's hash (the same bytes from the same reporter for the same
period are one report), its counts and totals, and the original a correction replaces.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "usage_reports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("reporter_id", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("replaces_id", sa.String(length=40), nullable=True),
        sa.Column("superseded_by_id", sa.String(length=40), nullable=True),
        sa.Column("job_id", sa.String(length=40), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("landing_by", sa.String(length=120), nullable=True),
        sa.Column("lines_read", sa.BigInteger(), nullable=False),
        sa.Column("lines_accepted", sa.BigInteger(), nullable=False),
        sa.Column("lines_rejected", sa.BigInteger(), nullable=False),
        sa.Column("totals", JSONB, nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("submitted_by_id", sa.String(length=40), nullable=False),
        sa.Column("submitted_by_key_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("landed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["reporter_id"], ["parties.id"],
                                name=op.f("fk_usage_reports_reporter_id_parties")),
        sa.ForeignKeyConstraint(["replaces_id"], ["usage_reports.id"],
                                name=op.f("fk_usage_reports_replaces_id_usage_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_reports")),
        sa.UniqueConstraint("reporter_id", "period", "sha256", name="uq_usage_reports_bytes"),
    )
    op.create_index("ix_usage_reports_reporter", "usage_reports", ["reporter_id", "created_at"])
    op.create_index("ix_usage_reports_period_status", "usage_reports", ["period", "status"])


def downgrade() -> None:
    op.drop_index("ix_usage_reports_period_status", table_name="usage_reports")
    op.drop_index("ix_usage_reports_reporter", table_name="usage_reports")
    op.drop_table("usage_reports")
