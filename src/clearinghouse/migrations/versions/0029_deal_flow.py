"""deal flow: imported investment events of the short-video market

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import clearinghouse.core.db

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deal_imports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("deal_count", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.String(length=7), nullable=False),
        sa.Column("last_month", sa.String(length=7), nullable=False),
        sa.Column("imported_by_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_imports")),
        sa.UniqueConstraint("sha256", name=op.f("uq_deal_imports_sha256")),
    )
    op.create_table(
        "deals",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("import_id", sa.String(length=40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("business", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("round", sa.String(length=40), nullable=False),
        sa.Column("amount_text", sa.String(length=60), nullable=False),
        sa.Column("investors", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["deal_imports.id"],
                                name=op.f("fk_deals_import_id_deal_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    op.create_index("ix_deals_import_month", "deals", ["import_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_deals_import_month", table_name="deals")
    op.drop_table("deals")
    op.drop_table("deal_imports")
