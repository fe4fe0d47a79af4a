"""sign-in attempts: failed sign-ins counted in the database, not in each process's memory

Revision ID: 0018
Revises: 0015
Create Date: 2026-11-30 18:00:00

With `serve --workers N` each process counted failed sign-ins alone and a restart forgot them,
so the lockout (5 per email, 20 per address in 15 minutes) allowed N times as many guesses. A
failure is now a row: the SHA-256 of what it counts against (the email typed or the client
address, never in clear) and when. Rows older than the window are pruned as new ones come.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    op.create_index("ix_sign_in_failures_subject", "sign_in_failures", ["subject", "failed_at"])
    op.create_index("ix_sign_in_failures_failed_at", "sign_in_failures", ["failed_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_failed_at", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_subject", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
