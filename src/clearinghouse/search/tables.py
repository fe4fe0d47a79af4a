"""The search index: one row per work holding its normalised, tokenised text.

Engine-specific parts are made by the migration `0002_search`, not by this model:
- SQLite: the FTS5 table `search_fts` (contentless, rowid = `doc_no`: it indexes these columns
  and their pairs, made from them; migration 0021);
- PostgreSQL: the columns `tsv` and `facets_tsv` (tsvector) with GIN indexes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.db import Base


class SearchDocument(Base):
    __tablename__ = "search_documents"
    # An integer key so that FTS5 can use it as its rowid; results are ordered by it within a
    # relevance tier, and a rebuild numbers documents in work-id order.
    doc_no: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, unique=True)
    title_key: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    # Space-separated tokens (see search.tokens); a gap token separates values of one field.
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    alt_titles: Mapped[str] = mapped_column(Text, nullable=False, default="")
    creators: Mapped[str] = mapped_column(Text, nullable=False, default="")
    keywords: Mapped[str] = mapped_column(Text, nullable=False, default="")
    facets: Mapped[str] = mapped_column(Text, nullable=False, default="")
