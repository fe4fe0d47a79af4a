"""The SQL that finds documents: lookups for filters, tiers, counts, and the ranked page.

The statements for one tier are built in match_repository; ranking every match at once (for
a match set up to the total cap) is here, with the order of ranking.order_key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.registry.tables import Party, WorkType
from clearinghouse.search import expressions as ex
from clearinghouse.search.index_repository import PG_GIN_INDEXES
from clearinghouse.search.match_repository import candidates, clause_on_row, pg_clause
from clearinghouse.search.query import EXACT_TITLE, Filters, TextQuery, Tier
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


def work_types(session: Session) -> list[tuple[str, str | None]]:
    return [(t.code, t.parent_code) for t in session.scalars(select(WorkType))]


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


def fetch_documents(session: Session, query: TextQuery, tier: Tier, filters: Filters,
                    limit: int) -> list[tuple[int, str, DocumentText, int]]:
    """Every match of a tier (up to `limit`) with its indexed text and licences sold, for
    ranking in Python."""
    columns = ("work_id", "title", "alt_titles", "creators", "keywords")
    sql, order, params = candidates(session, query, tier, filters, columns=columns)
    rows = session.execute(text(
        f"SELECT c.*, {LICENCES_SOLD.format(work_id='c.work_id')} FROM"
        f" ({sql} ORDER BY {order} LIMIT :limit) AS c"), params | {"limit": limit})
    return [(int(r[0]), str(r[1]), DocumentText(r[2], r[3], r[4], r[5]), int(r[6]))
            for r in rows]


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
                 filters: Filters, offset: int, limit: int) -> list[tuple[int, str, int]]:
    """For a match set known to be small: (doc_no, work_id, tier position) of one page, every
    match ranked in one statement (0 = exact title, i = tiers[i - 1]), in the order of
    `ranking.order_key`: tier, length of the tier's field, licences sold, document number.

    Asked per tier, PostgreSQL's planner walks the primary key in document order expecting to
    meet matches soon; it cannot tell a rare term (a prefix is always estimated at ~1,500 rows)
    from a common one, and for a tier with few or no matches it reads the whole table. Here
    the CTE fence makes the GIN index find the matches, and the tiers are tested on those rows
    only: each WHEN is the tier's own condition, on the row's stored tokens
    (`match_repository.clause_on_row`), the first that holds decides, as in `ranking.tier_of`.
    """
    columns = ("work_id", "title_key", "title", "alt_titles", "creators", "keywords")
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
