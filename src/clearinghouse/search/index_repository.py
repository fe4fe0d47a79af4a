"""The SQL that keeps the index in step with the registry: upserts, deletes and the bulk rebuild."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from clearinghouse.core import bulk
from clearinghouse.core.db import is_postgres
from clearinghouse.registry.tables import Holding, Work, WorkCreator, WorkIdentifier, WorkTag
from clearinghouse.search.documents import IndexedDocument
from clearinghouse.search.tables import SearchDocument
from clearinghouse.search.tokens import character_pairs, name_pairs

TEXT_COLUMNS = ("title", "alt_titles", "creators", "keywords", "facets")
# Each text field's pairs (FTS5 only: see FTS_TABLE): Chinese characters side by side, and
# in a creator's name every two tokens.
PAIRS_OF = {"title": character_pairs, "alt_titles": character_pairs, "creators": name_pairs,
            "keywords": character_pairs}
PAIR_COLUMNS = tuple(f"{c}_pairs" for c in PAIRS_OF)
REGISTRY_TABLES_READ = ("works", "work_creators", "work_tags", "work_identifiers", "holdings",
                        "parties", "work_relations")

# -- keeping the index in step -----------------------------------------------------------------


def upsert_document(session: Session, doc: IndexedDocument) -> None:
    if is_postgres(session):
        _pg_upsert(session, [doc])
    else:
        _sqlite_upsert(session, doc)


def _pg_upsert(session: Session, docs: Sequence[IndexedDocument],
               with_doc_no: int | None = None) -> None:
    columns = ["work_id", "title_key", *TEXT_COLUMNS]
    values = ", ".join(f":{c}" for c in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    key_col, key_val = ("doc_no, ", ":doc_no, ") if with_doc_no is not None else ("", "")
    sql = (
        f"INSERT INTO search_documents ({key_col}{', '.join(columns)}, tsv, facets_tsv) "
        f"VALUES ({key_val}{values}, CAST(:tsv AS tsvector), CAST(:facets_tsv AS tsvector)) "
        f"ON CONFLICT (work_id) DO UPDATE SET {updates}, tsv = excluded.tsv, "
        "facets_tsv = excluded.facets_tsv"
    )
    rows = []
    for i, doc in enumerate(docs):
        row: dict[str, Any] = doc.row()
        row |= {"tsv": doc.tsvector(), "facets_tsv": doc.facets_tsvector()}
        if with_doc_no is not None:
            row["doc_no"] = with_doc_no + i
        rows.append(row)
    session.execute(text(sql), rows)


_COLUMNS = ", ".join(TEXT_COLUMNS)
_VALUES = ", ".join(f":{c}" for c in TEXT_COLUMNS)
_SELECT_OLD = text(f"SELECT doc_no, {_COLUMNS} FROM search_documents WHERE work_id = :w")
# The FTS5 table holds no text of its own (contentless): it indexes each text field and its
# pairs (PAIRS_OF), which search_documents does not store. So a row's terms are removed by
# telling it both, the pairs made again from the stored tokens.
_FTS_COLUMNS = ", ".join([*TEXT_COLUMNS, *PAIR_COLUMNS])
_FTS_VALUES = ", ".join(f":{c}" for c in [*TEXT_COLUMNS, *PAIR_COLUMNS])
_FTS_DELETE = text(f"INSERT INTO search_fts (search_fts, rowid, {_FTS_COLUMNS}) "
                   f"VALUES ('delete', :doc_no, {_FTS_VALUES})")
_FTS_INSERT = text(f"INSERT INTO search_fts (rowid, {_FTS_COLUMNS}) VALUES (:doc_no, {_FTS_VALUES})")
# The same from stored rows, in SQL, the pairs made by a function of the connection (the bulk
# paths: a statement per batch, no row read back into Python).
_PAIRS_SQL = ", ".join(f"{make.__name__}({c})" for c, make in PAIRS_OF.items())
_FTS_ROWS = f"doc_no, {_COLUMNS}, {_PAIRS_SQL} FROM search_documents"


_PAIRS = tuple(PAIRS_OF.items())
_FTS_INSERT_VALUES = (f"INSERT INTO search_fts (rowid, {_FTS_COLUMNS}) "
                      f"VALUES (?{', ?' * (len(TEXT_COLUMNS) + len(PAIR_COLUMNS))})")
_LAST_DOC_NO = text("SELECT coalesce(max(doc_no), 0) FROM search_documents")
_FTS_INSERT_AFTER = text(f"INSERT INTO search_fts (rowid, {_FTS_COLUMNS}) SELECT {_FTS_ROWS} "
                         "WHERE doc_no > :last ORDER BY doc_no")


def _with_pairs(row: Mapping[str, Any]) -> dict[str, Any]:
    return dict(row) | {f"{c}_pairs": make(row[c]) for c, make in PAIRS_OF.items()}


def _define_pairs_function(session: Session) -> None:
    """Lets SQL on this connection make pairs (deterministic: SQLite may reuse a result)."""
    connection = session.connection().connection.driver_connection
    for make in set(PAIRS_OF.values()):
        connection.create_function(make.__name__, 1, make, deterministic=True)


def _sqlite_upsert(session: Session, doc: IndexedDocument) -> None:
    old = session.execute(_SELECT_OLD, {"w": doc.work_id}).mappings().first()
    row = doc.row()
    if old is not None:
        if all(old[c] == row[c] for c in TEXT_COLUMNS):
            return
        session.execute(_FTS_DELETE, _with_pairs(old))
        session.execute(
            text("UPDATE search_documents SET title_key = :title_key, "
                 + ", ".join(f"{c} = :{c}" for c in TEXT_COLUMNS) + " WHERE doc_no = :doc_no"),
            row | {"doc_no": old["doc_no"]},
        )
        doc_no = old["doc_no"]
    else:
        doc_no = session.execute(
            text(f"INSERT INTO search_documents (work_id, title_key, {_COLUMNS}) "
                 f"VALUES (:work_id, :title_key, {_VALUES}) RETURNING doc_no"),
            row,
        ).scalar_one()
    session.execute(_FTS_INSERT, _with_pairs(row) | {"doc_no": doc_no})


def add_new_documents(session: Session, docs: Sequence[IndexedDocument]) -> None:
    """Documents of works created just now (none has one yet): one statement per table."""
    if not docs:
        return
    if is_postgres(session):
        # COPY: an executemany of upserts was one statement per document on the server.
        columns = ["work_id", "title_key", *TEXT_COLUMNS]
        bulk.copy_rows(session, "search_documents", [*columns, "tsv", "facets_tsv"],
                       ([*map(doc.row().__getitem__, columns), doc.tsvector(),
                         doc.facets_tsvector()] for doc in docs))
        return
    # The bulk path (multi-row INSERTs, no per-row SQLAlchemy work). In this write transaction
    # the new documents are numbered after every existing one, as SQLite would number them;
    # FTS5 takes them with their pairs made here (a function SQL calls back into Python per
    # value cost more, and took the GIL back from the thread building the next batch each time).
    last = session.execute(_LAST_DOC_NO).scalar_one()
    rows = [d.row() for d in docs]
    for doc_no, row in enumerate(rows, last + 1):
        row["doc_no"] = doc_no
    bulk.insert_many(session, SearchDocument.__table__, rows)
    bulk.insert_values(session, _FTS_INSERT_VALUES, [
        (row["doc_no"], *[row[c] for c in TEXT_COLUMNS], *[make(row[c]) for c, make in _PAIRS])
        for row in rows])


def delete_documents(session: Session, work_ids: Sequence[str]) -> None:
    if not is_postgres(session):
        _define_pairs_function(session)
        session.execute(text(f"INSERT INTO search_fts (search_fts, rowid, {_FTS_COLUMNS}) "
                             f"SELECT 'delete', {_FTS_ROWS} "
                             "WHERE work_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                        {"ids": list(work_ids)})
    session.execute(text("DELETE FROM search_documents WHERE work_id IN :ids")
                    .bindparams(bindparam("ids", expanding=True)), {"ids": list(work_ids)})


def delete_document(session: Session, work_id: str) -> None:
    if not is_postgres(session):
        old = session.execute(_SELECT_OLD, {"w": work_id}).mappings().first()
        if old is not None:
            session.execute(_FTS_DELETE, _with_pairs(old))
    session.execute(text("DELETE FROM search_documents WHERE work_id = :w"), {"w": work_id})


def clear_documents(session: Session) -> None:
    if not is_postgres(session):
        _make_fts_current(session)
        session.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
    session.execute(text("DELETE FROM search_documents"))


def insert_documents(session: Session, docs: Sequence[IndexedDocument], first_doc_no: int) -> None:
    """Bulk insert with explicit numbers (after `clear_documents`), and into the FTS index."""
    if not docs:
        return
    if is_postgres(session):
        _pg_upsert(session, docs, with_doc_no=first_doc_no)
        return
    session.execute(
        text(f"INSERT INTO search_documents (doc_no, work_id, title_key, {_COLUMNS}) VALUES "
             f"(:doc_no, :work_id, :title_key, {_VALUES})"),
        [d.row() | {"doc_no": first_doc_no + i} for i, d in enumerate(docs)],
    )
    _define_pairs_function(session)
    session.execute(_FTS_INSERT_AFTER, {"last": first_doc_no - 1})


# Every GIN index of `search_documents` (0002, 0011, 0014): one tsvector, the facets, and the
# vectors of creators, titles and alternative titles alone.
PG_GIN_INDEXES = ("ix_search_documents_tsv", "ix_search_documents_facets_tsv",
                  "ix_search_documents_creators_tsv", "ix_search_documents_title_tsv",
                  "ix_search_documents_alt_titles_tsv")


# The FTS5 table as migration 0021 makes it: contentless (the text is in search_documents; the
# pairs are made again from it), the text fields then their pairs, and a prefix index
# for prefixes of 2 to 5 characters (0019), so a word typed in part (`trav`) reads one doclist
# instead of merging the doclist of every word it starts (see docs/search.md). FTS5 cannot
# change a table's columns or options, so a rebuild that finds another form (a database
# restored from before 0021) makes it again.
FTS_PREFIX_LENGTHS = "2 3 4 5"
FTS_TABLE = ("CREATE VIRTUAL TABLE search_fts USING fts5("
             f" {_FTS_COLUMNS}, content='', tokenize='ascii', columnsize=0,"
             f" prefix='{FTS_PREFIX_LENGTHS}')")


def fts_is_current(session: Session) -> bool:
    """Whether the SQLite full-text table has today's form; PostgreSQL: yes."""
    if is_postgres(session):
        return True
    made_as = session.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")).scalar()
    if made_as is None:
        return False
    made_as = made_as.replace('"', "'")
    return all(part in made_as for part in (
        *PAIR_COLUMNS, "content=''", f"prefix='{FTS_PREFIX_LENGTHS}'"))


def _make_fts_current(session: Session) -> None:
    if not fts_is_current(session):
        session.execute(text("DROP TABLE IF EXISTS search_fts"))
        session.execute(text(FTS_TABLE))


def finish_rebuild(session: Session, last_doc_no: int) -> None:
    if is_postgres(session):
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('search_documents', 'doc_no'),"
                 " :n, :called)"),
            {"n": max(last_doc_no, 1), "called": last_doc_no > 0},
        )
        # A bulk insert leaves its entries in the GIN pending lists, which every search would
        # scan until autovacuum merges them (it tripled p95 right after a rebuild).
        for index in PG_GIN_INDEXES:
            session.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"),
                            {"i": index})
        # After a bulk load the planner has no statistics until autovacuum comes by, and the
        # description of a page (creators, tags, holdings of 20 works) scans whole tables.
        for table in ("search_documents", *REGISTRY_TABLES_READ):
            session.execute(text(f"ANALYZE {table}"))
    else:
        session.execute(text("INSERT INTO search_fts (search_fts) VALUES ('optimize')"))


@dataclass
class WorkFields:
    id: str
    title: str
    alt_titles: list[dict[str, Any]]
    type_code: str
    language: str | None
    registrant_id: str
    owners: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)


def iter_work_fields(session: Session, batch: int = 5000) -> Iterator[list[WorkFields]]:
    """Every work in id order, a batch at a time, with the fields the index needs."""
    after = ""
    while True:
        rows = session.execute(
            select(Work.id, Work.title, Work.alt_titles, Work.type_code, Work.language,
                   Work.registrant_id)
            .where(Work.id > after).order_by(Work.id).limit(batch)
        ).all()
        if not rows:
            return
        works = {r.id: WorkFields(r.id, r.title, list(r.alt_titles or []), r.type_code, r.language,
                                  r.registrant_id, [r.registrant_id])
                 for r in rows}
        first, last = rows[0].id, rows[-1].id
        for work_id, name in session.execute(
            select(WorkCreator.work_id, WorkCreator.name)
            .where(WorkCreator.work_id.between(first, last))
            .order_by(WorkCreator.work_id, WorkCreator.position)
        ):
            works[work_id].creators.append(name)
        for work_id, tag in session.execute(
            select(WorkTag.work_id, WorkTag.tag).where(WorkTag.work_id.between(first, last))
            .order_by(WorkTag.work_id, WorkTag.tag)
        ):
            works[work_id].tags.append(tag)
        for work_id, scheme, value in session.execute(
            select(WorkIdentifier.work_id, WorkIdentifier.scheme, WorkIdentifier.value)
            .where(WorkIdentifier.work_id.between(first, last))
            .order_by(WorkIdentifier.work_id, WorkIdentifier.id)
        ):
            works[work_id].identifiers.append((scheme, value))
        for work_id, holder_id in session.execute(
            select(Holding.work_id, Holding.holder_id)
            .where(Holding.work_id.between(first, last), Holding.status == "active")
            .order_by(Holding.work_id, Holding.id)
        ):
            if holder_id not in works[work_id].owners:
                works[work_id].owners.append(holder_id)
        yield list(works.values())
        after = last


def active_holder_ids(session: Session, work_id: str) -> list[str]:
    return list(session.scalars(
        select(Holding.holder_id).where(Holding.work_id == work_id, Holding.status == "active")
        .order_by(Holding.id)
    ))

