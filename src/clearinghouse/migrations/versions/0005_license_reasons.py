"""license status reason codes: public codes beside the private free-text reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:00:00

Revoked and suspended licenses get a code that the public verification page may show; what the
operator wrote stays in status_reason for the license's parties. Existing rows get
`non_payment` where the text says so, else `other`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CODE_FROM_TEXT = "CASE WHEN {col} LIKE 'non-payment%' THEN 'non_payment' ELSE 'other' END"


def upgrade() -> None:
    op.add_column("licenses", sa.Column("status_reason_code", sa.String(length=30), nullable=True))
    op.add_column("license_events", sa.Column("reason_code", sa.String(length=30), nullable=True))
    op.execute(
        "UPDATE licenses SET status_reason_code = "
        + CODE_FROM_TEXT.format(col="status_reason")
        + " WHERE status IN ('revoked', 'suspended')"
    )
    op.execute(
        "UPDATE license_events SET reason_code = "
        + CODE_FROM_TEXT.format(col="reason")
        + " WHERE action IN ('revoke', 'suspend')"
    )


def downgrade() -> None:
    with op.batch_alter_table("license_events") as batch:
        batch.drop_column("reason_code")
    with op.batch_alter_table("licenses") as batch:
        batch.drop_column("status_reason_code")
