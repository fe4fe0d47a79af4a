"""webhooks and notices: platforms' webhook endpoints, deliveries (and dead letters), the
warning notices sent on owners' behalf

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 03:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import clearinghouse.core.db

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

UTC = clearinghouse.core.db.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", JSON, nullable=False),
        sa.Column("secret_sealed", sa.String(length=400), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("removed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"],
                                name=op.f("fk_webhook_endpoints_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_index(op.f("ix_webhook_endpoints_party_id"), "webhook_endpoints", ["party_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"],
                                name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints")),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"],
                                name=op.f("fk_webhook_deliveries_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(op.f("ix_webhook_deliveries_endpoint_id"), "webhook_deliveries",
                    ["endpoint_id"])
    op.create_index(op.f("ix_webhook_deliveries_party_id"), "webhook_deliveries", ["party_id"])
    op.create_index("ix_webhook_deliveries_status_due", "webhook_deliveries",
                    ["status", "next_attempt_at"])
    op.create_table(
        "enforcement_notices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("claim_id", sa.String(length=40), nullable=True),
        sa.Column("work_id", sa.String(length=40), nullable=True),
        sa.Column("owner_party_id", sa.String(length=40), nullable=True),
        sa.Column("platform_party_id", sa.String(length=40), nullable=False),
        sa.Column("languages", sa.String(length=10), nullable=False),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["content_claims.id"],
                                name=op.f("fk_enforcement_notices_claim_id_content_claims")),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"],
                                name=op.f("fk_enforcement_notices_work_id_works")),
        sa.ForeignKeyConstraint(["owner_party_id"], ["parties.id"],
                                name=op.f("fk_enforcement_notices_owner_party_id_parties")),
        sa.ForeignKeyConstraint(["platform_party_id"], ["parties.id"],
                                name=op.f("fk_enforcement_notices_platform_party_id_parties")),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["webhook_deliveries.id"],
            name=op.f("fk_enforcement_notices_delivery_id_webhook_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_notices")),
    )
    for column in ("claim_id", "work_id", "owner_party_id", "platform_party_id"):
        op.create_index(op.f(f"ix_enforcement_notices_{column}"), "enforcement_notices", [column])


def downgrade() -> None:
    op.drop_table("enforcement_notices")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
