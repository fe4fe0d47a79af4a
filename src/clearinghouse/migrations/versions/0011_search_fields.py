"""search fields: an index of creators' names alone on PostgreSQL

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 12:00:00

The creators' lexemes sit in `search_documents.tsv` with weight C, beside every title word;
GIN answers "which rows hold `chloe` and `turner`" but not "as a creator": that needs every
candidate row read from the heap (`q=Chloe Turner` took 2.8 s at p95 on a million works). An
expression index over `ts_filter(tsv, '{c}')` (the creators' lexemes with their positions) is
that per-field access path; PostgreSQL builds it for existing rows here and keeps it itself.
SQLite needs nothing: FTS5 column filters (`{creators} : ...`) read that column's positions.

Search text is also written differently from this release (a gap token at breaking
punctuation), which a migration cannot compute: run `clearinghouse search reindex` once.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEX = "ix_search_documents_creators_tsv"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {INDEX} ON search_documents USING gin (ts_filter(tsv, '{{c}}'))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
