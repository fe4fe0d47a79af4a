"""content claims: owners' enforcement policies, claims on identified uploads, disputes, history

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 03:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "enforcement_policies",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=True),
        sa.Column("territory", sa.String(length=2), nullable=True),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("set_by", sa.String(length=40), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("enforcement_policies", "owner_id", "parties"),
        _fk("enforcement_policies", "work_id", "works"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_policies")),
        sa.UniqueConstraint("owner_id", "work_id", "territory",
                            name="uq_enforcement_policies_scope"),
    )
    op.create_index("ix_enforcement_policies_work", "enforcement_policies", ["work_id"])
    op.create_table(
        "content_claims",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=40), nullable=False),
        sa.Column("reference_id", sa.String(length=40), nullable=False),
        sa.Column("platform_id", sa.String(length=40), nullable=True),
        sa.Column("uploader_id", sa.String(length=40), nullable=True),
        sa.Column("upload_ref", sa.String(length=200), nullable=False),
        sa.Column("platform_key", sa.String(length=40), nullable=False),
        sa.Column("uploaded_on", sa.Date(), nullable=False),
        sa.Column("territory", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("media_kind", sa.String(length=10), nullable=False),
        sa.Column("matched", JSONB, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("false_match_rate", sa.Float(), nullable=False),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("quote_id", sa.String(length=40), nullable=True),
        sa.Column("license_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("content_claims", "work_id", "works"),
        _fk("content_claims", "owner_id", "parties"),
        _fk("content_claims", "platform_id", "parties"),
        _fk("content_claims", "uploader_id", "parties"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_claims")),
        sa.UniqueConstraint("upload_ref", "platform_key", "work_id",
                            name="uq_content_claims_upload"),
    )
    op.create_index("ix_content_claims_owner", "content_claims", ["owner_id", "created_at"])
    op.create_index("ix_content_claims_uploader", "content_claims", ["uploader_id", "created_at"])
    op.create_index("ix_content_claims_platform", "content_claims", ["platform_id", "created_at"])
    op.create_table(
        "claim_disputes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("claim_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("opened_by", sa.String(length=40), nullable=False),
        sa.Column("deadline", UTC, nullable=False),
        sa.Column("owner_note", sa.Text(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("escrow_released", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("claim_disputes", "claim_id", "content_claims"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_disputes")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_claim_disputes_claim_id")),
    )
    op.create_index("ix_claim_disputes_status", "claim_disputes", ["status", "deadline"])
    op.create_table(
        "claim_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=40), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        _fk("claim_events", "claim_id", "content_claims"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_events")),
    )
    op.create_index("ix_claim_events_claim_id", "claim_events", ["claim_id"])


def downgrade() -> None:
    op.drop_table("claim_events")
    op.drop_table("claim_disputes")
    op.drop_table("content_claims")
    op.drop_table("enforcement_policies")
