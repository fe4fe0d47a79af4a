"""The relevance tiers evaluated in Python, for small result sets (pure: no database).

A search whose matches are few fetches them all with one full-text query and sorts them here,
instead of running one query per tier; the rules are the same as the FTS5 and tsquery
expressions (see expressions.py), and a test checks that both paths agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from clearinghouse.search.query import EXACT_TITLE, Clause, Field, Mode, TextQuery, Tier
from clearinghouse.search.tokens import GAP, Segment


@dataclass(frozen=True)
class DocumentText:
    """The indexed text of one document, as stored in search_documents."""

    title: str
    alt_titles: str
    creators: str
    keywords: str

    def values(self, field: Field) -> list[list[str]]:
        """The separate values of a field (two alt titles are two values), as token lists."""
        text = getattr(self, field.value)
        return [part.split() for part in f" {text} ".split(f" {GAP} ") if part.strip()]


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


def _segment_in(values: list[list[str]], segment: Segment, prefix: bool) -> bool:
    return any(_contains(tokens, segment.tokens, prefix) for tokens in values)


def clause_matches(query: TextQuery, clause: Clause, doc: DocumentText) -> bool:
    values = [v for f in clause.fields for v in doc.values(f)]
    if clause.mode == Mode.PHRASE:
        return any(_contains(tokens, query.tokens, False) for tokens in values)
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


def tier_rank(query: TextQuery) -> dict[str, int]:
    return {name: i for i, name in enumerate([EXACT_TITLE, *(t.name for t in _tiers(query))])}


@lru_cache(maxsize=64)  # asked once per fetched document of the same query
def _tiers(query: TextQuery) -> tuple[Tier, ...]:
    return tuple(query.tiers())
