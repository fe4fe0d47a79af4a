"""license grant changes: a log of which (work, licensee) pairs had their grants written

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00

The batch form of "is this use licensed?" answers from an in-memory copy of the active grants
(licenses/grants_snapshot.py); this log tells the copy what to reload. It starts with one
"reload everything" row (no work_id), so a copy made before the upgrade is never trusted.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    table = op.create_table(
        "license_grant_changes",
        sa.Column("seq", BIGID, autoincrement=True, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=True),
        sa.Column("licensee_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.bulk_insert(table, [{"token": "0010"}])


def downgrade() -> None:
    op.drop_table("license_grant_changes")
