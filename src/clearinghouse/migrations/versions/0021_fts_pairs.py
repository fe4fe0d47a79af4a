"""fts pairs: each text field's Chinese character pairs beside it in the FTS5 table (SQLite)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 21:00:00

A phrase of common Chinese characters (`城市夏日`, a creator `王伟`) made FTS5 walk each
character's whole doclist: 6 ms at p95 at a million works; a creator of common names
(`Noah Wright`) walked both names'. Each text field is now indexed again beside itself as
overlapping character pairs (`夏日城市` → `夏日 日城 城市`), creators as pairs of every two
tokens of a name (`noah‧wright`), and such a phrase is asked as the phrase of its pairs
(search/expressions.py), whose doclists are short.
`search_documents` keeps the tokens only; the table becomes contentless and the pairs are made
from those tokens when a row is indexed or removed (search/tokens.character_pairs; the copy
below is this migration's own, as migrations read no application code). FTS5
cannot add columns, so the table is made again and filled from `search_documents` here;
`search reindex` also makes it again when it finds an older form
(search/index_repository.fts_is_current). PostgreSQL needs nothing.
"""

from collections.abc import Callable

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

GAP = "\u00b7"
PAIR_JOIN = "\u2027"
CJK_RANGES = ((0x3007, 0x3007), (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def _is_cjk(token: str) -> bool:
    return len(token) == 1 and any(lo <= ord(token) <= hi for lo, hi in CJK_RANGES)


def _pairs(indexed: str, pairable: Callable[[str], bool]) -> str:
    pairs: list[str] = []
    before, chained, ended = "", False, ""
    for token in indexed.split(" "):
        if token != GAP and pairable(token):
            if before:
                if not chained and before == ended:
                    pairs.append(GAP)
                both_cjk = _is_cjk(before) and _is_cjk(token)
                pairs.append(before + ("" if both_cjk else PAIR_JOIN) + token)
                chained, ended = True, token
            else:
                chained = False
            before = token
        else:
            before, chained = "", False
    return " ".join(pairs)


def character_pairs(indexed: str) -> str:
    """Every two side-by-side Chinese characters (or kana) of stored tokens as one token, a gap
    token where a run of them ends (search/tokens.character_pairs at revision 0021)."""
    return "" if indexed.isascii() else _pairs(indexed, _is_cjk)


def name_pairs(indexed: str) -> str:
    """Every two side-by-side tokens of one name (search/tokens.name_pairs at revision 0021)."""
    return _pairs(indexed, bool) if " " in indexed else ""


PAIRS_OF = {"title": character_pairs, "alt_titles": character_pairs, "creators": name_pairs,
            "keywords": character_pairs}
FIELDS = tuple(PAIRS_OF)
PAIRS = tuple(f"{f}_pairs" for f in FIELDS)
COLUMNS = ", ".join([*FIELDS, "facets", *PAIRS])

WITH_PAIRS = f"""
CREATE VIRTUAL TABLE search_fts USING fts5(
    {COLUMNS}, content='', tokenize='ascii', columnsize=0, prefix='2 3 4 5'
)
"""
BEFORE = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, alt_titles, creators, keywords, facets,
    content='search_documents', content_rowid='doc_no',
    tokenize='ascii', columnsize=0, prefix='2 3 4 5'
)
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for make in (character_pairs, name_pairs):
        bind.connection.driver_connection.create_function(
            make.__name__, 1, make, deterministic=True)
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute(WITH_PAIRS)
    pairs = ", ".join(f"{make.__name__}({f})" for f, make in PAIRS_OF.items())
    op.execute(f"INSERT INTO search_fts (rowid, {COLUMNS}) SELECT doc_no, "
               f"{', '.join(FIELDS)}, facets, {pairs} FROM search_documents ORDER BY doc_no")
    op.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute(BEFORE)
        op.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
        op.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
