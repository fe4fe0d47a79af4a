"""search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00

The portable table `search_documents`, plus what each engine needs for full-text search:
SQLite an FTS5 table over it, PostgreSQL tsvector columns with GIN indexes. The index starts
empty; `clearinghouse search reindex` fills it for works registered before this revision.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# `ascii` splits only on ASCII spaces and punctuation, so the index keeps exactly the tokens
# that clearinghouse.search.tokens wrote; `columnsize=0` because nothing uses bm25 lengths.
SQLITE_FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, alt_titles, creators, keywords, facets,
    content='search_documents', content_rowid='doc_no',
    tokenize='ascii', columnsize=0
)
"""


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("doc_no", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("title_key", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("alt_titles", sa.Text(), nullable=False),
        sa.Column("creators", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("facets", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["work_id"], ["works.id"],
                                name=op.f("fk_search_documents_work_id_works")),
        sa.PrimaryKeyConstraint("doc_no", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("work_id", name=op.f("uq_search_documents_work_id")),
    )
    op.create_index(op.f("ix_search_documents_title_key"), "search_documents", ["title_key"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
    elif dialect == "postgresql":
        for column in ("tsv", "facets_tsv"):
            op.add_column("search_documents", sa.Column(
                column, postgresql.TSVECTOR(), nullable=False,
                server_default=sa.text("''::tsvector")))
            op.create_index(f"ix_search_documents_{column}", "search_documents", [column],
                            postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")
