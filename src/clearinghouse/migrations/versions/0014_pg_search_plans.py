"""pg search plans: indexes of titles and of alternative titles alone on PostgreSQL

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 15:00:00

As 0011 did for creators: a title's lexemes sit in `search_documents.tsv` with weight A beside
every other field's, and GIN answers "which rows hold these words" but not "in the title", so
a title tier's candidates were every row holding the words anywhere, each read from the heap
to check its weights (probing the empty title phrase tier of `q=Olivia King` rechecked 2,529
rows, 77 ms at a million works). Expression indexes over `ts_filter(tsv, '{a}')` and
`ts_filter(tsv, '{b}')` give each title field its own access path; PostgreSQL builds them for
existing rows here (about a minute per million works) and keeps them itself. SQLite needs
nothing: FTS5 column filters read that column's positions.
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = {"ix_search_documents_title_tsv": "a", "ix_search_documents_alt_titles_tsv": "b"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, weight in INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON search_documents"
                       f" USING gin (ts_filter(tsv, '{{{weight}}}'))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
