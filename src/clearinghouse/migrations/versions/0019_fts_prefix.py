"""fts prefix: an FTS5 prefix index, so a word typed in part reads one doclist (SQLite)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 18:00:00

Every Latin query ends in a prefix (`trav` finds "travel"). Without a prefix index FTS5 merges
the whole doclist of every word the prefix starts, in every statement that holds it, whatever
the LIMIT (`trav`, `young`: ~2 ms each at a million works). `prefix='2 3 4 5'` keeps a doclist
per prefix of 2 to 5 characters as well (a query's last word is a prefix from two letters on),
so such a query reads one doclist. FTS5 cannot add a prefix index to a table, so the table is
made again and rebuilt from `search_documents` here (about a minute per million works);
`search reindex` also makes it again when it finds the old form (search/index_repository.py).
PostgreSQL needs nothing: a tsquery prefix is answered by the GIN index.
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, alt_titles, creators, keywords, facets,
    content='search_documents', content_rowid='doc_no',
    tokenize='ascii', columnsize=0{prefix}
)
"""


def _make(prefix: str) -> None:
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute(FTS.format(prefix=prefix))
    op.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
    op.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _make(", prefix='2 3 4 5'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _make("")
