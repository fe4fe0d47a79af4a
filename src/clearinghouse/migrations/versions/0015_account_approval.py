"""account approval: owners who sign themselves up wait for the operator; invitations

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 17:40:00

An owner's sign-up is an application: its party holds no role until the operator approves it.
An invitation is a single-use link the operator sends to an owner; only the SHA-256 of its
random token is stored, with its expiry and when it was used.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "owner_applications",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"],
                                name="fk_owner_applications_party_id_parties"),
        sa.PrimaryKeyConstraint("id", name="pk_owner_applications"),
        sa.UniqueConstraint("party_id", name="uq_owner_applications_party_id"),
    )
    op.create_index("ix_owner_applications_status", "owner_applications", ["status"])
    op.create_table(
        "owner_invitations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"],
                                name="fk_owner_invitations_party_id_parties"),
        sa.PrimaryKeyConstraint("id", name="pk_owner_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_owner_invitations_token_hash"),
    )
    op.create_index("ix_owner_invitations_party_id", "owner_invitations", ["party_id"])


def downgrade() -> None:
    op.drop_index("ix_owner_invitations_party_id", table_name="owner_invitations")
    op.drop_table("owner_invitations")
    op.drop_index("ix_owner_applications_status", table_name="owner_applications")
    op.drop_table("owner_applications")
