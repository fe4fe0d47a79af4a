"""Compile tiers and filters into SQLite FTS5 MATCH strings and PostgreSQL tsquery literals.

Only tokens made by `tokens.tokenize` (letters, digits, marks) or hex facet terms reach these
strings, and every one is quoted, so user input can never become FTS or tsquery syntax.
"""

from __future__ import annotations

from clearinghouse.search.query import (
    CREATOR_NAME,
    TEXT_FIELDS,
    Clause,
    Field,
    Filters,
    Mode,
    TextQuery,
    Tier,
)
from clearinghouse.search.tokens import pair

# PostgreSQL keeps the four text fields in one tsvector, told apart by weight.
PG_WEIGHTS = {Field.TITLE: "A", Field.ALT_TITLES: "B", Field.CREATORS: "C", Field.KEYWORDS: "D"}


def name_phrases(query: TextQuery) -> list[tuple[tuple[str, ...], bool]]:
    """Mode.NAME of several segments as phrases (tokens, last token a prefix): the order typed,
    its last word a prefix as usual; for two segments also the other order, whole words
    ("Chen Lily" finds "Lily Chen"; "chloe tur" finds "Chloe Turner", "tur chloe" does not)."""
    out = [(query.tokens, query.last_is_prefix)]
    if len(query.segments) == 2:
        first, second = query.segments
        out.append((second.tokens + first.tokens, False))
    return out


# -- SQLite FTS5 -------------------------------------------------------------------------------


def _fts_string(tokens: tuple[str, ...] | list[str], prefix: bool = False) -> str:
    body = " ".join(tokens).replace('"', '""')
    return f'"{body}"' + ("*" if prefix else "")


def _columns(fields: tuple[Field, ...], pairs: bool = False) -> str:
    return "{" + " ".join(f.value + ("_pairs" if pairs else "") for f in fields) + "}"


def _fts_phrase(fields: tuple[Field, ...], tokens: tuple[str, ...], cjk: bool,
                prefix: bool = False) -> tuple[str, bool]:
    """A phrase, and whether it is asked in the pair columns (index_repository.FTS_TABLE):
    two or more Chinese characters, or any two or more tokens of a creator's name, are the
    phrase of their pairs, the same documents found from the pairs' short doclists instead of
    each common character's (or name's) whole doclist. A prefix stays the last token's: the
    last pair is then a prefix (`chloe tur` → `"chloe‧tur"*`)."""
    if len(tokens) > 1 and (cjk or fields == (Field.CREATORS,)):
        return _fts_string([pair(a, b) for a, b in zip(tokens, tokens[1:], strict=False)],
                           prefix), True
    return _fts_string(tokens, prefix), False


def _all_cjk(query: TextQuery) -> bool:
    return all(seg.cjk for seg in query.segments)


def _fts_clause(query: TextQuery, clause: Clause) -> str:
    if clause.mode == Mode.PHRASE:
        phrases, join = [_fts_phrase(clause.fields, query.tokens, _all_cjk(query))], ""
    elif clause.mode == Mode.NAME and len(query.segments) > 1:
        # See `name_phrases`: a phrase per order (a gap token between two names breaks both).
        cjk = _all_cjk(query)
        phrases = [_fts_phrase(clause.fields, t, cjk, p) for t, p in name_phrases(query)]
        join = " OR "
    else:
        last = len(query.segments) - 1
        phrases = [_fts_phrase(clause.fields, seg.tokens, seg.cjk,
                               prefix=(i == last and query.last_is_prefix))
                   for i, seg in enumerate(query.segments)]
        join = " AND "
    if not any(paired for _, paired in phrases):
        return f"{_columns(clause.fields)} : ({join.join(p for p, _ in phrases)})"
    return "(" + join.join(f"{_columns(clause.fields, paired)} : {p}"
                           for p, paired in phrases) + ")"


def fts_tier(query: TextQuery, tier: Tier) -> str:
    expr = f"({_fts_clause(query, tier.include)})"
    if tier.also:
        expr = "(" + " OR ".join(f"({_fts_clause(query, c)})" for c in (tier.include, *tier.also)) + ")"
    if tier.exclude:
        excluded = " OR ".join(f"({_fts_clause(query, c)})" for c in tier.exclude)
        expr = f"({expr} NOT ({excluded}))"
    return expr


def fts_filters(filters: Filters, groups: list[list[str]] | None = None) -> list[str]:
    """`groups`: the facet groups to match in FTS5 (default: all of them)."""
    parts = [
        "{facets} : (" + " OR ".join(_fts_string([term]) for term in group) + ")"
        for group in (filters.facet_tokens if groups is None else groups)
    ]
    if filters.creator is not None:
        parts.append(_fts_clause(filters.creator, CREATOR_NAME))
    return parts


def fts_words(words: list[str]) -> str:
    """Every word, whole, in any text field."""
    return f"{_columns(TEXT_FIELDS)} : (" + " AND ".join(_fts_string([w]) for w in words) + ")"


def fts_match(*parts: str | None) -> str | None:
    """AND the non-empty parts; None when there is nothing for FTS to match."""
    present = [f"({p})" for p in parts if p]
    return " AND ".join(present) if present else None


# -- PostgreSQL tsquery ------------------------------------------------------------------------


def _ts_lexeme(token: str, weights: str, prefix: bool = False) -> str:
    quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
    suffix = ("*" if prefix else "") + weights
    return f"{quoted}:{suffix}" if suffix else quoted


def _ts_weights(fields: tuple[Field, ...]) -> str:
    if set(fields) == set(TEXT_FIELDS):
        return ""
    return "".join(sorted(PG_WEIGHTS[f] for f in fields))


def _ts_phrase(tokens: tuple[str, ...], weights: str, prefix: bool = False) -> str:
    last = len(tokens) - 1
    lexemes = [_ts_lexeme(t, weights, prefix and i == last) for i, t in enumerate(tokens)]
    return "(" + " <-> ".join(lexemes) + ")"


def _ts_clause(query: TextQuery, clause: Clause, weights: str | None = None) -> str:
    """`weights`: None for the clause's own fields; "" for a vector of that field alone."""
    weights = _ts_weights(clause.fields) if weights is None else weights
    if clause.mode == Mode.PHRASE:
        return _ts_phrase(query.tokens, weights)
    if clause.mode == Mode.NAME and len(query.segments) > 1:
        return _ts_name(query, weights)
    last = len(query.segments) - 1
    parts = [
        _ts_phrase(seg.tokens, weights, prefix=(i == last and query.last_is_prefix))
        for i, seg in enumerate(query.segments)
    ]
    return "(" + " & ".join(parts) + ")"


def _ts_name(query: TextQuery, weights: str) -> str:
    """As `_fts_name`."""
    phrases = [_ts_phrase(tokens, weights, prefix) for tokens, prefix in name_phrases(query)]
    return "(" + " | ".join(phrases) + ")"


def ts_field_clause(query: TextQuery, clause: Clause) -> str:
    """The clause for a vector holding only its field's lexemes (no weights to check)."""
    return _ts_clause(query, clause, weights="")


def ts_tier(query: TextQuery, tier: Tier) -> str:
    expr = _ts_clause(query, tier.include)
    if tier.also:
        expr = "(" + " | ".join(_ts_clause(query, c) for c in (tier.include, *tier.also)) + ")"
    if tier.exclude:
        excluded = " | ".join(_ts_clause(query, c) for c in tier.exclude)
        expr = f"({expr} & !({excluded}))"
    return expr


def ts_creator(filters: Filters) -> str | None:
    if filters.creator is None:
        return None
    return _ts_clause(filters.creator, CREATOR_NAME)


def ts_facets(filters: Filters) -> str | None:
    groups = [
        "(" + " | ".join(_ts_lexeme(term, "") for term in group) + ")"
        for group in filters.facet_tokens
    ]
    return " & ".join(groups) if groups else None


def ts_words(words: list[str]) -> str:
    """Every word, whole, anywhere (no weight: the GIN index answers it without a recheck)."""
    return " & ".join(_ts_lexeme(w, "") for w in words)


def ts_and(*parts: str | None) -> str | None:
    present = [f"({p})" for p in parts if p]
    return " & ".join(present) if present else None
