"""The SQL that finds documents: lookups for filters, tiers, counts, and the ranked page.

The statements for one tier are built in match_repository; ranking every match at once (for
a match set up to the total cap) is here, with the order of ranking.order_key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.registry.tables import Party, WorkType
from clearinghouse.search import expressions as ex
from clearinghouse.search.index_repository import PG_GIN_INDEXES
from clearinghouse.search.match_repository import candidates, clause_on_row, pg_clause
from clearinghouse.search.query import (
    EXACT_TITLE,
    TITLE_PHRASE,
    Clause,
    Field,
    Filters,
    Mode,
    TextQuery,
    Tier,
)
from clearinghouse.search.ranking import TIER_FIELD, DocumentText

# The popularity signal (ranking.order_key): licences sold that include the work. Read per
# matching document through the index on license_lines.work_id, only when ranking a match set
# up to the total cap; most works have none, so the probe is one index lookup.
LICENCES_SOLD = ("(SELECT count(DISTINCT l.license_id) FROM license_lines l"
                 " WHERE l.work_id = {work_id})")
# PostgreSQL walks a tier's first documents through the primary key, this many at most, before
# asking the GIN index for the rest (`_pg_fetch_tier`): ~10 ms of row checks at a million works.
PG_WALK_WINDOW = 10_000
_PG_WINDOW_END = "(SELECT min(doc_no) FROM search_documents) + :window"
# The window's documents in doc_no order; OFFSET 0 keeps the tier's condition out of the scan,
# so the planner cannot swap the primary key walk for the GIN index.
_PG_WINDOW = (f"(SELECT * FROM search_documents w WHERE w.doc_no < {_PG_WINDOW_END}"
              " ORDER BY w.doc_no OFFSET 0) d")


def _tokens_in(column: str) -> str:
    """Tokens in an indexed field, as ranking.field_tokens counts them (one space apart)."""
    return (f"(CASE WHEN {column} = '' THEN 0"
            f" ELSE length({column}) - length(replace({column}, ' ', '')) + 1 END)")


_WORK_TYPES = select(WorkType.__table__.c.code, WorkType.__table__.c.parent_code)
_PARTY_BY_ID = select(Party.__table__.c.id).where(Party.__table__.c.id == bindparam("id"))


def work_types(session: Session) -> list[tuple[str, str | None]]:
    """(code, parent code) of every type; two columns, not ORM records (asked per search)."""
    return [(code, parent) for code, parent in session.execute(_WORK_TYPES)]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parties_matching(session: Session, owner: str, limit: int) -> list[str]:
    """Party ids for an owner filter: the party with that id, else names containing the text."""
    if session.execute(_PARTY_BY_ID, {"id": owner}).first() is not None:
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
    if is_postgres(session) and query is not None and isinstance(tier, Tier):
        return _pg_fetch_tier(session, query, tier, filters, offset, limit)
    sql, order, params = candidates(session, query, tier, filters, columns=("work_id",))
    rows = session.execute(text(f"{sql} ORDER BY {order} LIMIT :limit OFFSET :offset"),
                           params | {"limit": limit, "offset": offset})
    return [(int(r[0]), str(r[1])) for r in rows]


def _pg_fetch_tier(session: Session, query: TextQuery, tier: Tier, filters: Filters,
                   offset: int, limit: int) -> list[tuple[int, str]]:
    """PostgreSQL: a tier's page in two plans the planner cannot mix up.

    It cannot tell a common phrase from a rare one (`'奶':A <-> '奶':A` is estimated at 655
    rows, 9,192 hold it; a weight or a prefix is not estimated at all), so left alone it either
    rechecked every GIN candidate to sort them (26,587 rows: 0.28 s at a million works) or walked
    the primary key through a tier with no match (the whole table: 1.2 s). So: the first
    `PG_WALK_WINDOW` documents in doc_no order, which fill the page of a common tier; only if
    they do not, every later match through the GIN index (a tier that did not fill the window
    is rare), sorted. Together: the same rows in the same order as one walk.
    """
    wanted = offset + limit
    sql, order, params = candidates(session, query, tier, filters, columns=("work_id",),
                                    pg_documents=_PG_WINDOW)
    params |= {"window": PG_WALK_WINDOW}
    rows = [(int(r[0]), str(r[1])) for r in session.execute(
        text(f"{sql} ORDER BY {order} LIMIT :wanted"), params | {"wanted": wanted})]
    if len(rows) < wanted:
        sql, _, params = candidates(session, query, tier, filters, columns=("work_id",))
        rest = session.execute(text(
            f"WITH m AS MATERIALIZED ({sql}) SELECT m.doc_no, m.work_id FROM m"
            f" WHERE m.doc_no >= {_PG_WINDOW_END} ORDER BY m.doc_no LIMIT :wanted"),
            params | {"window": PG_WALK_WINDOW, "wanted": wanted - len(rows)})
        rows += [(int(r[0]), str(r[1])) for r in rest]
    return rows[offset:]


@dataclass(frozen=True)
class MatchSet:
    """The matches of one search, found once: how many (up to the cap asked for) and, on
    SQLite, their document numbers in document order, as a JSON array that later statements
    read back with `json_each` instead of asking the full-text index again (a phrase of
    common characters, a prefix or a facet filter costs the same full walk each time it is
    asked: `q=new&type=…&tag=…` took 10 ms per statement at a million works)."""

    count: int
    doc_nos: str | None  # None on PostgreSQL: its statements find the matches themselves

    def first(self, offset: int, limit: int) -> list[int]:
        assert self.doc_nos is not None
        return list(orjson.loads(self.doc_nos)[offset:offset + limit])


def lists_matches(session: Session) -> bool:
    """Whether `match_set` lists the matches (SQLite) or only counts them (PostgreSQL)."""
    return not is_postgres(session)


def match_set(session: Session, query: TextQuery | None, tier: Tier | str | None,
              filters: Filters, cap: int) -> MatchSet:
    """The first `cap` matches in document order, counted and listed by one statement that
    reads only the full-text index (and the documents only for a condition on them)."""
    if not lists_matches(session):
        return MatchSet(count_docs(session, query, tier, filters, cap), None)
    sql, order, params = candidates(session, query, tier, filters)
    count, doc_nos = session.execute(text(
        f"SELECT count(*), json_group_array(doc_no) FROM ({sql} ORDER BY {order} LIMIT :cap)"),
        params | {"cap": cap}).one()
    return MatchSet(int(count), str(doc_nos))


def _listed(columns: tuple[str, ...], matches: MatchSet) -> tuple[str, str, dict[str, Any]]:
    """`candidates` for a match set already found: its documents by number, no text search."""
    select_list = ", ".join(["d.doc_no", *(f"d.{c}" for c in columns)])
    return (f"SELECT {select_list} FROM search_documents d"
            " WHERE d.doc_no IN (SELECT value FROM json_each(:doc_nos))",
            "d.doc_no", {"doc_nos": matches.doc_nos})


def hits_listed(session: Session, doc_nos: Sequence[int]) -> list[tuple[int, str]]:
    """(doc_no, work_id) of these documents, in doc_no order."""
    listed = MatchSet(len(doc_nos), orjson.dumps(list(doc_nos)).decode())
    sql, order, params = _listed(("work_id",), listed)
    rows = session.execute(text(f"{sql} ORDER BY {order}"), params)
    return [(int(r[0]), str(r[1])) for r in rows]


def fetch_documents(session: Session, query: TextQuery, tier: Tier, filters: Filters,
                    limit: int, within: MatchSet | None = None,
                    ) -> list[tuple[int, str, DocumentText, int]]:
    """Every match of a tier (up to `limit`) with its indexed text and licences sold, for
    ranking in Python; `within`: the tier's matches, already found."""
    columns = ("work_id", "title", "alt_titles", "creators", "keywords")
    if within is not None and within.doc_nos is not None:
        sql, order, params = _listed(columns, within)
    else:
        sql, order, params = candidates(session, query, tier, filters, columns=columns)
    rows = session.execute(text(
        f"SELECT c.*, {LICENCES_SOLD.format(work_id='c.work_id')} FROM"
        f" ({sql} ORDER BY {order} LIMIT :limit) AS c"), params | {"limit": limit})
    return [(int(r[0]), str(r[1]), DocumentText(r[2], r[3], r[4], r[5]), int(r[6]))
            for r in rows]


def fetch_title_phrases(session: Session, query: TextQuery, filters: Filters,
                        limit: int) -> list[tuple[int, str, bool]]:
    """(doc_no, work_id, whether the title holds it) of the documents, not the exact title,
    whose title or alternative titles hold the query as a phrase, in doc_no order: the
    `title_phrase` and `alt_title_phrase` tiers in one FTS5 walk (SQLite). The title is tested
    on the stored tokens as `fetch_ranked` tests it."""
    both = Tier("title_phrases", Clause((Field.TITLE, Field.ALT_TITLES), Mode.PHRASE))
    sql, _, params = candidates(session, query, both, filters,
                                columns=("work_id", "title_key", "title"))
    in_title = clause_on_row(session, query, TITLE_PHRASE, "c", params, "in_title")
    params |= {"title_key": query.title_key, "title_norm": query.normalised, "limit": limit}
    rows = session.execute(text(
        f"SELECT c.doc_no, c.work_id, {in_title} FROM ({sql}) AS c"
        " WHERE NOT (c.title_key = :title_key AND c.title = :title_norm)"
        " ORDER BY c.doc_no LIMIT :limit"), params)
    return [(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


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



def walking_an_empty_tier_reads_the_table(session: Session) -> bool:
    """PostgreSQL walks a tier in document order and meets no match (see `fetch_ranked`);
    FTS5 reads the tier's doclists and stops."""
    return is_postgres(session)


def tier_occurs(session: Session, query: TextQuery, tier: Tier) -> bool:
    """Whether any document holds the tier's own condition (not its exclusions), found through
    the GIN index of the tier's field as in `word_occurs`: the rows holding the words in that
    field, where walking the table in document order read all of it."""
    params: dict[str, Any] = {}
    condition = pg_clause(query, tier.include, params, "q")
    session.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"))
    found = session.execute(text(
        f"SELECT 1 FROM search_documents d WHERE {condition} LIMIT 1"), params).first() is not None
    session.execute(text("RESET enable_seqscan; RESET enable_indexscan"))
    return found


def fetch_ranked(session: Session, query: TextQuery, every_match: Tier, tiers: Sequence[Tier],
                 filters: Filters, offset: int, limit: int,
                 within: MatchSet | None = None) -> list[tuple[int, str, int]]:
    """For a match set known to be small: (doc_no, work_id, tier position) of one page, every
    match ranked in one statement (0 = exact title, i = tiers[i - 1]), in the order of
    `ranking.order_key`: tier, length of the tier's field, licences sold, document number.

    Asked per tier, PostgreSQL's planner walks the primary key in document order expecting to
    meet matches soon; it cannot tell a rare term (a prefix is always estimated at ~1,500 rows)
    from a common one, and for a tier with few or no matches it reads the whole table. Here
    the CTE fence makes the GIN index find the matches, and the tiers are tested on those rows
    only: each WHEN is the tier's own condition, on the row's stored tokens
    (`match_repository.clause_on_row`), the first that holds decides, as in `ranking.tier_of`.
    `within`: the matches, already found (SQLite), read by document number.
    """
    columns = ("work_id", "title_key", "title", "alt_titles", "creators", "keywords")
    if within is not None and within.doc_nos is not None:
        sql, _, params = _listed(columns, within)
    else:
        sql, _, params = candidates(session, query, every_match, filters, columns=columns)
    params |= {"title_key": query.title_key, "title_norm": query.normalised,
               "limit": limit, "offset": offset}
    whens = ["WHEN m.title_key = :title_key AND m.title = :title_norm THEN 0"]
    for i, tier in enumerate(tiers, start=1):
        whens.append(f"WHEN {clause_on_row(session, query, tier.include, 'm', params, f't{i}')}"
                     f" THEN {i}")
    rank = f"CASE {' '.join(whens)} ELSE {len(tiers)} END"
    lengths = " ".join(
        f"WHEN {i} THEN {_tokens_in('r.' + TIER_FIELD[name].value)}"
        for i, name in enumerate([EXACT_TITLE, *(t.name for t in tiers)]) if name in TIER_FIELD)
    rows = session.execute(text(
        f"WITH m AS MATERIALIZED ({sql}),"
        f" r AS MATERIALIZED (SELECT m.doc_no, m.work_id, m.title, m.alt_titles, m.creators,"
        f" m.keywords, {rank} AS tier FROM m)"
        f" SELECT r.doc_no, r.work_id, r.tier FROM r ORDER BY r.tier,"
        f" CASE r.tier {lengths} ELSE 0 END, {LICENCES_SOLD.format(work_id='r.work_id')} DESC,"
        " r.doc_no LIMIT :limit OFFSET :offset"), params)
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]


def count_docs(session: Session, query: TextQuery | None, tier: Tier | str | None,
               filters: Filters, cap: int) -> int:
    """How many documents match, counting no further than `cap`."""
    sql, _, params = candidates(session, query, tier, filters)
    return int(session.execute(
        text(f"SELECT count(*) FROM ({sql} LIMIT :cap) AS c"), params | {"cap": cap}
    ).scalar_one())


def index_size_bytes(session: Session) -> int | None:
    """Bytes the full-text index takes (FTS5 shadow tables, or the GIN indexes), if measurable."""
    if is_postgres(session):
        return sum(int(session.execute(text("SELECT pg_relation_size(CAST(:i AS regclass))"),
                                       {"i": index}).scalar_one()) for index in PG_GIN_INDEXES)
    try:
        return int(session.execute(text(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"
        )).scalar_one() or 0)
    except OperationalError:  # dbstat is a compile-time option of SQLite
        return None
