"""clearable works: which works each routine template may clear, per right

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 13:00:00

Search by intended use checked, for every text match, a correlated condition over offers,
holdings, conflicts and works; with few works clearing a use, counting a page's total walked
every match (5-20x a search without a use at 100,000 works). `clearable_works` holds, per
template, work category, right and work, that an active non-collective holding of the right
has an active priced offer for it on the template covering the work: a necessary condition the
search joins on an index before checking the rest. Filled here for existing data with the
same statement the services run (licensing/catalogue/clearable_repository.py), written out so
that this migration does not change when the code does.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

RIGHTS = ("reproduce", "distribute", "perform_public", "display_public", "modify",
          "synchronisation", "mechanical", "master_use", "name_likeness")
BACKFILL = (
    'INSERT INTO clearable_works (template_id, category, "right", work_id)'
    " SELECT DISTINCT o.template_id, wt.category, r.column1, h.work_id"
    " FROM holdings h"
    " JOIN works w ON w.id = h.work_id"
    " JOIN work_types wt ON wt.code = w.type_code"
    " JOIN offers o ON o.holder_id = h.holder_id AND o.status = 'active' AND NOT o.declined"
    " JOIN (VALUES " + ", ".join(f"('{r}')" for r in RIGHTS) + ") AS r"
    " ON CAST(h.rights AS TEXT) LIKE '%\"' || r.column1 || '\"%'"
    " AND CAST(o.rights AS TEXT) LIKE '%\"' || r.column1 || '\"%'"
    " WHERE h.status = 'active' AND NOT h.collective"
    " AND (o.scope = 'catalogue' OR CAST(o.work_ids AS TEXT) LIKE '%\"' || h.work_id || '\"%')"
)


def upgrade() -> None:
    op.create_table(
        "clearable_works",
        sa.Column("template_id", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("right", sa.String(30), nullable=False),
        sa.Column("work_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("template_id", "category", "right", "work_id"),
    )
    op.create_index("ix_clearable_works_work_id", "clearable_works", ["work_id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_clearable_works_work_id", table_name="clearable_works")
    op.drop_table("clearable_works")
