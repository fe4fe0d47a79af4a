"""All search SQL: keeping the index in step, and finding documents on SQLite and PostgreSQL.

Every candidate query returns document numbers in ascending order, so a LIMIT stops the engine
early (FTS5 walks its doclists in rowid order); relevance comes from running the tiers in turn.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clearinghouse.core import bulk
from clearinghouse.core.db import is_postgres
from clearinghouse.registry.tables import (
    Holding,
    Party,
    Work,
    WorkCreator,
    WorkIdentifier,
    WorkTag,
    WorkType,
)
from clearinghouse.search import expressions as ex
from clearinghouse.search.documents import IndexedDocument
from clearinghouse.search.query import EXACT_TITLE, Filters, TextQuery, Tier
from clearinghouse.search.ranking import DocumentText

TEXT_COLUMNS = ("title", "alt_titles", "creators", "keywords", "facets")
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
# External-content FTS5 removes a row's terms only when told the text it indexed.
_FTS_DELETE = text(f"INSERT INTO search_fts (search_fts, rowid, {_COLUMNS}) "
                   f"VALUES ('delete', :doc_no, {_VALUES})")
_FTS_INSERT = text(f"INSERT INTO search_fts (rowid, {_COLUMNS}) VALUES (:doc_no, {_VALUES})")


def _sqlite_upsert(session: Session, doc: IndexedDocument) -> None:
    old = session.execute(_SELECT_OLD, {"w": doc.work_id}).mappings().first()
    row = doc.row()
    if old is not None:
        if all(old[c] == row[c] for c in TEXT_COLUMNS):
            return
        session.execute(_FTS_DELETE, dict(old))
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
    session.execute(_FTS_INSERT, row | {"doc_no": doc_no})


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
    session.execute(text(f"INSERT INTO search_documents (work_id, title_key, {_COLUMNS}) "
                         f"VALUES (:work_id, :title_key, {_VALUES})"), [d.row() for d in docs])
    session.execute(text(f"INSERT INTO search_fts (rowid, {_COLUMNS}) SELECT doc_no, {_COLUMNS} "
                         "FROM search_documents WHERE work_id IN :ids")
                    .bindparams(bindparam("ids", expanding=True)),
                    {"ids": [d.work_id for d in docs]})


def delete_documents(session: Session, work_ids: Sequence[str]) -> None:
    if not is_postgres(session):
        session.execute(text(f"INSERT INTO search_fts (search_fts, rowid, {_COLUMNS}) "
                             f"SELECT 'delete', doc_no, {_COLUMNS} FROM search_documents "
                             "WHERE work_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                        {"ids": list(work_ids)})
    session.execute(text("DELETE FROM search_documents WHERE work_id IN :ids")
                    .bindparams(bindparam("ids", expanding=True)), {"ids": list(work_ids)})


def delete_document(session: Session, work_id: str) -> None:
    if not is_postgres(session):
        old = session.execute(_SELECT_OLD, {"w": work_id}).mappings().first()
        if old is not None:
            session.execute(_FTS_DELETE, dict(old))
    session.execute(text("DELETE FROM search_documents WHERE work_id = :w"), {"w": work_id})


def clear_documents(session: Session) -> None:
    session.execute(text("DELETE FROM search_documents"))


def insert_documents(session: Session, docs: Sequence[IndexedDocument], first_doc_no: int) -> None:
    """Bulk insert with explicit numbers; on SQLite the FTS index is built once at the end."""
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


def finish_rebuild(session: Session, last_doc_no: int) -> None:
    if is_postgres(session):
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('search_documents', 'doc_no'),"
                 " :n, :called)"),
            {"n": max(last_doc_no, 1), "called": last_doc_no > 0},
        )
        # A bulk insert leaves its entries in the GIN pending lists, which every search would
        # scan until autovacuum merges them (it tripled p95 right after a rebuild).
        for index in ("ix_search_documents_tsv", "ix_search_documents_facets_tsv"):
            session.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"),
                            {"i": index})
        # After a bulk load the planner has no statistics until autovacuum comes by, and the
        # description of a page (creators, tags, holdings of 20 works) scans whole tables.
        for table in ("search_documents", *REGISTRY_TABLES_READ):
            session.execute(text(f"ANALYZE {table}"))
    else:
        session.execute(text("INSERT INTO search_fts (search_fts) VALUES ('rebuild')"))
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


# -- finding documents -------------------------------------------------------------------------


def active_holder_ids(session: Session, work_id: str) -> list[str]:
    return list(session.scalars(
        select(Holding.holder_id).where(Holding.work_id == work_id, Holding.status == "active")
        .order_by(Holding.id)
    ))


def work_types(session: Session) -> list[tuple[str, str | None]]:
    return [(t.code, t.parent_code) for t in session.scalars(select(WorkType))]


Candidates = tuple[str, str, dict[str, Any]]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parties_matching(session: Session, owner: str, limit: int) -> list[str]:
    """Party ids for an owner filter: the party with that id, else names containing the text."""
    if session.get(Party, owner) is not None:
        return [owner]
    pattern = "%" + _like_escape(owner.lower()) + "%"
    rows = session.execute(text(
        "SELECT id FROM parties WHERE lower(name) LIKE :p ESCAPE '\\'"
        " OR lower(name_en) LIKE :p ESCAPE '\\' OR lower(name_zh) LIKE :p ESCAPE '\\'"
        " ORDER BY id LIMIT :limit"), {"p": pattern, "limit": limit})
    return [r[0] for r in rows]


def doc_no_for_identifier(session: Session, scheme: str, value: str) -> int | None:
    doc_no = session.execute(text(
        "SELECT d.doc_no FROM work_identifiers i JOIN search_documents d ON d.work_id = i.work_id"
        " WHERE i.scheme = :s AND i.value = :v"), {"s": scheme, "v": value}).scalar()
    return None if doc_no is None else int(doc_no)


def _candidates(
    session: Session, query: TextQuery | None, tier: Tier | str | None, filters: Filters,
    columns: tuple[str, ...] = (),
) -> Candidates:
    """SQL selecting matching doc_no values (and `columns` of the documents), the column to
    order them by, and the parameters."""
    select_list = ", ".join(["d.doc_no", *(f"d.{c}" for c in columns)])
    params: dict[str, Any] = {}
    conds: list[str] = []
    exact = tier == EXACT_TITLE
    if query is not None and (exact or (isinstance(tier, Tier) and tier.name == "title_phrase")):
        params["title_key"], params["title_norm"] = query.title_key, query.normalised
        is_exact = "(d.title_key = :title_key AND d.title = :title_norm)"
        conds.append(is_exact if exact else f"NOT {is_exact}")
    if filters.doc_no is not None:
        params["doc_no"] = filters.doc_no
    if filters.work_condition is not None:
        conds.append(filters.work_condition[0])
        params |= filters.work_condition[1]
    text_tier = tier if isinstance(tier, Tier) and query is not None else None
    if is_postgres(session):
        return _pg_candidates(query, text_tier, filters, conds, params, select_list)
    return _sqlite_candidates(query, text_tier, filters, conds, params, exact, select_list)


def _pg_candidates(query: TextQuery | None, tier: Tier | None, filters: Filters,
                   conds: list[str], params: dict[str, Any], select_list: str) -> Candidates:
    tier_query = ex.ts_tier(query, tier) if query and tier else None
    doc_query = ex.ts_and(tier_query, ex.ts_creator(filters))
    if doc_query:
        params["tsq"] = doc_query
        conds.append("d.tsv @@ CAST(:tsq AS tsquery)")
    facet_query = ex.ts_facets(filters)
    if facet_query:
        params["fq"] = facet_query
        conds.append("d.facets_tsv @@ CAST(:fq AS tsquery)")
    if filters.doc_no is not None:
        conds.append("d.doc_no = :doc_no")
    where = " AND ".join(conds) or "TRUE"
    return f"SELECT {select_list} FROM search_documents d WHERE {where}", "d.doc_no", params


def _sqlite_candidates(query: TextQuery | None, tier: Tier | None, filters: Filters,
                       conds: list[str], params: dict[str, Any],
                       exact: bool, select_list: str) -> Candidates:
    filter_match = ex.fts_match(*ex.fts_filters(filters))
    if exact or (tier is None and filter_match is None):
        # Driven by the documents table; FTS only confirms facet filters for each candidate.
        if filter_match:
            params["match"] = filter_match
            conds.append("EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH :match"
                         " AND search_fts.rowid = d.doc_no)")
        if filters.doc_no is not None:
            conds.append("d.doc_no = :doc_no")
        where = " AND ".join(conds) or "1"
        return f"SELECT {select_list} FROM search_documents d WHERE {where}", "d.doc_no", params
    params["match"] = ex.fts_match(ex.fts_tier(query, tier) if query and tier else None,
                                   filter_match)
    needs_documents = bool(conds) or select_list != "d.doc_no"
    join = " JOIN search_documents d ON d.doc_no = search_fts.rowid" if needs_documents else ""
    if filters.doc_no is not None:
        conds.append("search_fts.rowid = :doc_no")  # FTS5 seeks to it instead of scanning
    where = " AND ".join(["search_fts MATCH :match", *conds])
    select_list = select_list.replace("d.doc_no", "search_fts.rowid AS doc_no", 1)
    return (f"SELECT {select_list} FROM search_fts{join} WHERE {where}",
            "search_fts.rowid", params)


def begin_search(session: Session) -> None:
    """Per-search session settings.

    PostgreSQL: psycopg prepares a statement run often, and a generic plan cannot see how
    selective a tsquery is, so it may walk the whole primary key; plan every search afresh.
    """
    if is_postgres(session):
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def fetch_hits(session: Session, query: TextQuery | None, tier: Tier | str | None,
               filters: Filters, offset: int, limit: int) -> list[tuple[int, str]]:
    """(doc_no, work_id) of one page of a tier, in doc_no order."""
    sql, order, params = _candidates(session, query, tier, filters, columns=("work_id",))
    rows = session.execute(text(f"{sql} ORDER BY {order} LIMIT :limit OFFSET :offset"),
                           params | {"limit": limit, "offset": offset})
    return [(int(r[0]), str(r[1])) for r in rows]


def fetch_documents(session: Session, query: TextQuery, tier: Tier, filters: Filters,
                    limit: int) -> list[tuple[int, str, DocumentText]]:
    """Every match of a tier (up to `limit`) with its indexed text, for ranking in Python."""
    columns = ("work_id", "title", "alt_titles", "creators", "keywords")
    sql, order, params = _candidates(session, query, tier, filters, columns=columns)
    rows = session.execute(text(f"{sql} ORDER BY {order} LIMIT :limit"), params | {"limit": limit})
    return [(int(r[0]), str(r[1]), DocumentText(r[2], r[3], r[4], r[5])) for r in rows]


def word_occurs(session: Session, word: str) -> bool:
    """Whether any document holds this exact token (in any text field).

    PostgreSQL: the probe must use the GIN index, which answers at once either way; the planner
    would otherwise estimate an absent word at ~1,000 rows and scan the table for the first.
    """
    if not is_postgres(session):
        return session.execute(text("SELECT 1 FROM search_fts WHERE search_fts MATCH :m LIMIT 1"),
                               {"m": ex.fts_words([word])}).first() is not None
    session.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"))
    found = session.execute(text(
        "SELECT 1 FROM search_documents WHERE tsv @@ CAST(:q AS tsquery) LIMIT 1"),
        {"q": ex.ts_words([word])}).first() is not None
    session.execute(text("RESET enable_seqscan; RESET enable_indexscan"))
    return found


def ranks_all_matches_at_once(session: Session) -> bool:
    """Whether `fetch_ranked` serves this engine (see there)."""
    return is_postgres(session)


def fetch_ranked(session: Session, query: TextQuery, every_match: Tier, tiers: Sequence[Tier],
                 filters: Filters, offset: int, limit: int) -> list[tuple[int, str, int]]:
    """PostgreSQL, for a match set known to be small: (doc_no, work_id, tier position) of one
    page, every match ranked in one statement (0 = exact title, i = tiers[i - 1]).

    Asked per tier, the planner walks the primary key in document order expecting to meet
    matches soon; it cannot tell a rare term (a prefix is always estimated at ~1,500 rows)
    from a common one, and for a tier with few or no matches it reads the whole table. Here
    the CTE fence makes the GIN index find the matches, and the tiers are tested on those rows
    only: each WHEN is the tier's own condition, the first that holds decides, as in
    `ranking.tier_of`.
    """
    columns = ("work_id", "title_key", "title", "tsv")
    sql, _, params = _candidates(session, query, every_match, filters, columns=columns)
    params |= {"title_key": query.title_key, "title_norm": query.normalised,
               "limit": limit, "offset": offset}
    whens = ["WHEN m.title_key = :title_key AND m.title = :title_norm THEN 0"]
    for i, tier in enumerate(tiers, start=1):
        params[f"t{i}"] = ex.ts_tier(query, Tier(tier.name, tier.include))
        whens.append(f"WHEN m.tsv @@ CAST(:t{i} AS tsquery) THEN {i}")
    rank = f"CASE {' '.join(whens)} ELSE {len(tiers)} END"
    rows = session.execute(text(
        f"WITH m AS MATERIALIZED ({sql}) SELECT m.doc_no, m.work_id, {rank} AS tier FROM m"
        " ORDER BY tier, m.doc_no LIMIT :limit OFFSET :offset"), params)
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]


def count_docs(session: Session, query: TextQuery | None, tier: Tier | str | None,
               filters: Filters, cap: int) -> int:
    """How many documents match, counting no further than `cap`."""
    sql, _, params = _candidates(session, query, tier, filters)
    return int(session.execute(
        text(f"SELECT count(*) FROM ({sql} LIMIT :cap) AS c"), params | {"cap": cap}
    ).scalar_one())


def index_size_bytes(session: Session) -> int | None:
    """Bytes the full-text index takes (FTS5 shadow tables, or the GIN indexes), if measurable."""
    if is_postgres(session):
        return int(session.execute(text(
            "SELECT pg_relation_size('ix_search_documents_tsv')"
            " + pg_relation_size('ix_search_documents_facets_tsv')"
        )).scalar_one())
    try:
        return int(session.execute(text(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"
        )).scalar_one() or 0)
    except OperationalError:  # dbstat is a compile-time option of SQLite
        return None
