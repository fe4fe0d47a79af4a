"""The SQL that finds a tier's documents: one builder per engine behind `candidates`.

Every statement returns document numbers (and any wanted columns of the documents) and the
column to order them by, so a LIMIT in document order stops the engine early (FTS5 walks its
doclists in rowid order).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.search import expressions as ex
from clearinghouse.search.query import (
    CREATOR_NAME,
    EXACT_TITLE,
    Clause,
    Field,
    Filters,
    Mode,
    TextQuery,
    Tier,
)

Candidates = tuple[str, str, dict[str, Any]]
# PostgreSQL: one field's lexemes alone (its weight), each indexed on its own: creators by
# migration 0011, titles and alternative titles by 0014. Asked through the one tsvector, GIN
# cannot tell a creator's word from a title's without reading every row that holds the words:
# `q=Chloe Turner` took 2.8 s at p95 on a million works; probing its empty title phrase tier
# rechecked the 2,529 rows holding both names (77 ms).
PG_FIELD_VECTORS = {Field.TITLE: "ts_filter(d.tsv, '{a}')",
                    Field.ALT_TITLES: "ts_filter(d.tsv, '{b}')",
                    Field.CREATORS: "ts_filter(d.tsv, '{c}')"}
PG_DOCUMENTS = "search_documents d"


def candidates(
    session: Session, query: TextQuery | None, tier: Tier | str | None, filters: Filters,
    columns: tuple[str, ...] = (), pg_documents: str = PG_DOCUMENTS,
) -> Candidates:
    """SQL selecting matching doc_no values (and `columns` of the documents), the column to
    order them by, and the parameters. `pg_documents`: what PostgreSQL reads as `d` (a window
    of the documents, say)."""
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
        return _pg_candidates(query, text_tier, filters, conds, params, select_list, pg_documents)
    return _sqlite_candidates(query, text_tier, filters, conds, params, exact, select_list)


def _pg_field_vector(clause: Clause) -> str | None:
    return PG_FIELD_VECTORS.get(clause.fields[0]) if len(clause.fields) == 1 else None


def pg_clause(query: TextQuery, clause: Clause, params: dict[str, Any], name: str) -> str:
    """One clause as a PostgreSQL condition: a one-field clause on that field's own vector,
    others on `tsv` with weights."""
    vector = _pg_field_vector(clause)
    if vector is not None:
        params[name] = ex.ts_field_clause(query, clause)
        return f"{vector} @@ CAST(:{name} AS tsquery)"
    params[name] = ex.ts_tier(query, Tier(name, clause))
    return f"d.tsv @@ CAST(:{name} AS tsquery)"


def _pg_candidates(query: TextQuery | None, tier: Tier | None, filters: Filters,
                   conds: list[str], params: dict[str, Any], select_list: str,
                   documents: str) -> Candidates:
    if query is not None and tier is not None:
        if _pg_field_vector(tier.include) is not None or tier.also:
            alternatives = [pg_clause(query, c, params, f"tq{i}")
                            for i, c in enumerate((tier.include, *tier.also))]
            conds.append("(" + " OR ".join(alternatives) + ")")
            if tier.exclude:
                params["tx"] = " | ".join(ex.ts_tier(query, Tier("x", c)) for c in tier.exclude)
                conds.append("NOT (d.tsv @@ CAST(:tx AS tsquery))")
        else:
            params["tsq"] = ex.ts_tier(query, tier)
            conds.append("d.tsv @@ CAST(:tsq AS tsquery)")
    if filters.creator is not None:
        conds.append(pg_clause(filters.creator, CREATOR_NAME, params, "cq"))
    indexed = filters
    text_found = (query is not None and tier is not None) or filters.creator is not None
    if text_found and filters.type_codes:
        # With a text condition, a type is checked on the rows the text finds, not through
        # the index: a type holds half the catalogue, and ANDing its 480,000 index entries
        # with the text's took 0.2 s at a million works (`IS TRUE` is not an index condition).
        params["ft"] = ex.ts_facets(Filters(type_codes=filters.type_codes))
        conds.append("(d.facets_tsv @@ CAST(:ft AS tsquery)) IS TRUE")
        indexed = replace(filters, type_codes=())
    facet_query = ex.ts_facets(indexed)
    if facet_query:
        params["fq"] = facet_query
        conds.append("d.facets_tsv @@ CAST(:fq AS tsquery)")
    if filters.doc_no is not None:
        conds.append("d.doc_no = :doc_no")
    where = " AND ".join(conds) or "TRUE"
    return f"SELECT {select_list} FROM {documents} WHERE {where}", "d.doc_no", params


def _sqlite_facets_on_row(filters: Filters, conds: list[str], params: dict[str, Any]) -> list[list[str]]:
    """The facet groups FTS5 should match; the others become conditions on the document row.

    A group of several terms (a type with its subtypes, several owners) is an OR of doclists
    that together hold up to a third of the catalogue, and FTS5 walks them to the end when the
    rest of the expression is sparse: `q=last&type=audiovisual_work&tag=fashion` took 6 ms
    against 1.2 ms without the type. When a single-term facet (a tag, a language, one owner)
    or a creator already narrows the walk, the group is tested on the few rows found instead
    (`instr` on the stored facet terms, as FTS5 would match them: whole terms, space-separated).
    Without such a filter the OR stays in FTS5: testing a common text's thousands of rows one
    by one cost more (`q=夏&type=…`, 0.5 → 4 ms).
    """
    groups = filters.facet_tokens
    if not any(len(g) == 1 for g in groups) and filters.creator is None:
        return groups
    for i, group in enumerate(g for g in groups if len(g) > 1):
        tests = []
        for j, term in enumerate(group):
            params[f"facet_{i}_{j}"] = f" {term} "
            tests.append(f"instr(' ' || d.facets || ' ', :facet_{i}_{j}) > 0")
        conds.append("(" + " OR ".join(tests) + ")")
    return [g for g in groups if len(g) == 1]


def _sqlite_candidates(query: TextQuery | None, tier: Tier | None, filters: Filters,
                       conds: list[str], params: dict[str, Any],
                       exact: bool, select_list: str) -> Candidates:
    groups = _sqlite_facets_on_row(filters, conds, params)
    filter_match = ex.fts_match(*ex.fts_filters(filters, groups))
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



def clause_on_row(session: Session, query: TextQuery, clause: Clause, row: str,
                  params: dict[str, Any], key: str) -> str:
    """A clause tested on one found row's stored tokens (`row.title`, ...), as ranking.py
    tests it: a phrase is a run of whole tokens, space-separated, so it is a substring of
    " field " bounded by spaces (no space after a prefix). For ranking a few hundred matches:
    a substring test on short strings is far cheaper than another full-text lookup per tier.
    """
    find = "strpos" if is_postgres(session) else "instr"
    needles: list[list[tuple[tuple[str, ...], bool]]]  # AND of ORs of (tokens, prefix)
    last = len(query.segments) - 1
    if clause.mode == Mode.PHRASE:
        needles = [[(query.tokens, False)]]
    elif clause.mode == Mode.NAME and len(query.segments) > 1:
        needles = [ex.name_phrases(query)]
    else:
        needles = [[(seg.tokens, i == last and query.last_is_prefix)]
                   for i, seg in enumerate(query.segments)]
    ands = []
    for i, alternatives in enumerate(needles):
        ors = []
        for j, (tokens, prefix) in enumerate(alternatives):
            name = f"{key}_{i}_{j}"
            params[name] = " " + " ".join(tokens) + ("" if prefix else " ")
            ors += [f"{find}(' ' || {row}.{f.value} || ' ', :{name}) > 0" for f in clause.fields]
        ands.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(ands)
