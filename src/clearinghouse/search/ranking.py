"""Relevance: the tiers evaluated in Python for small result sets, and the order inside a tier
(pure: no database).

A search whose matches are few fetches them all with one full-text query and sorts them here,
instead of running one query per tier; the rules are the same as the FTS5 and tsquery
expressions (see expressions.py), and a test checks that both paths agree.

Inside a tier, works are ordered by `order_key`, which the SQL of the one-statement ranking
computes the same way (repository): an engine's own score (bm25, ts_rank_cd) differs between
SQLite and PostgreSQL and between the statements that find a tier, a page and a count, so the
score here is built from what the index row holds and both engines read alike:

1. the length, in tokens, of the field the tier matched in (`field_tokens`): the query covers
   more of a short title than of a long one. Within one tier every match holds the query in
   that field, so this is BM25's length normalisation, the part of it that varies there;
2. licences sold (`licences_sold`, the popularity signal), more first;
3. the document number (registration order): stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from clearinghouse.search.expressions import name_phrases
from clearinghouse.search.query import EXACT_TITLE, Clause, Field, Mode, TextQuery, Tier
from clearinghouse.search.tokens import Segment

# The field whose length orders a tier's works (see the module docstring).
TIER_FIELD = {
    EXACT_TITLE: Field.TITLE, "title_phrase": Field.TITLE, "title_partial": Field.TITLE,
    "alt_title_phrase": Field.ALT_TITLES, "alt_title_partial": Field.ALT_TITLES,
    "creator": Field.CREATORS, "other": Field.KEYWORDS,
}


@dataclass(frozen=True)
class DocumentText:
    """The indexed text of one document, as stored in search_documents."""

    title: str
    alt_titles: str
    creators: str
    keywords: str

    def tokens(self, field: Field) -> list[str]:
        """The field's tokens, gap tokens included: no query token equals one, so a phrase
        cannot run across a gap (between two values, or at breaking punctuation)."""
        return getattr(self, field.value).split()


def field_tokens(text: str) -> int:
    """How many tokens an indexed field holds; the SQL counts spaces the same way."""
    return text.count(" ") + 1 if text else 0


def order_key(tier_position: int, field_length: int, licences_sold: int,
              doc_no: int) -> tuple[int, int, int, int]:
    return (tier_position, field_length, -licences_sold, doc_no)


def _contains(tokens: list[str], run: tuple[str, ...], prefix_last: bool) -> bool:
    n = len(run)
    for start in range(len(tokens) - n + 1):
        window = tokens[start:start + n]
        if window[:-1] != list(run[:-1]):
            continue
        last, wanted = window[-1], run[-1]
        if last == wanted or (prefix_last and last.startswith(wanted)):
            return True
    return False


def _name_in(tokens: list[str], query: TextQuery) -> bool:
    """Mode.NAME of several segments (see expressions.name_phrases)."""
    return any(_contains(tokens, phrase, prefix) for phrase, prefix in name_phrases(query))


def _segment_in(values: list[list[str]], segment: Segment, prefix: bool) -> bool:
    return any(_contains(tokens, segment.tokens, prefix) for tokens in values)


def clause_matches(query: TextQuery, clause: Clause, doc: DocumentText) -> bool:
    values = [doc.tokens(f) for f in clause.fields]
    if clause.mode == Mode.PHRASE:
        return any(_contains(tokens, query.tokens, False) for tokens in values)
    if clause.mode == Mode.NAME and len(query.segments) > 1:
        return any(_name_in(tokens, query) for tokens in values)
    last = len(query.segments) - 1
    return all(
        _segment_in(values, seg, prefix=(i == last and query.last_is_prefix))
        for i, seg in enumerate(query.segments)
    )


def tier_of(query: TextQuery, doc: DocumentText) -> str | None:
    """The first tier the document falls in, or None when it does not match at all."""
    if doc.title == query.normalised:
        return EXACT_TITLE
    for tier in _tiers(query):
        # Each tier excludes exactly what earlier tiers include, so the first match decides.
        if clause_matches(query, tier.include, doc):
            return tier.name
    return None


def field_length(tier: str, doc: DocumentText) -> int:
    field = TIER_FIELD.get(tier)
    return field_tokens(getattr(doc, field.value)) if field else 0


def tier_rank(query: TextQuery) -> dict[str, int]:
    return {name: i for i, name in enumerate([EXACT_TITLE, *(t.name for t in _tiers(query))])}


@lru_cache(maxsize=64)  # asked once per fetched document of the same query
def _tiers(query: TextQuery) -> tuple[Tier, ...]:
    return tuple(query.tiers())
