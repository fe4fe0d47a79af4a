"""holding claims: which holdings manage their work, and conflicts that are claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00

A holding registered on a work its registrant does not manage is now a pending claim. Existing
holdings stay accepted; only those held by the work's registrant keep managing the work, since
the others may have been registered by anyone (issue 10).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("holdings", sa.Column("manages_work", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.execute(
        "UPDATE holdings SET manages_work = TRUE WHERE holder_id = "
        "(SELECT works.registrant_id FROM works WHERE works.id = holdings.work_id)"
    )
    op.add_column("conflicts", sa.Column("kind", sa.String(length=20), nullable=False,
                                         server_default="over_claim"))


def downgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("holdings") as batch:
        batch.drop_column("manages_work")
