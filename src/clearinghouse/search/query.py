"""What a search asks for, engine-free: parsed text, filters, and the relevance tiers.

Relevance is a fixed ladder of tiers rather than an engine score, so that SQLite and PostgreSQL
return the same works in the same order: a work sits in the first tier it matches, and ties
inside a tier are broken by the index's document number, which follows work-id order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from clearinghouse.search.tokens import Segment, normalise, segments, tokenize

MAX_QUERY_CHARS = 200
# `total` counts matches up to this many. Counting was most of a common query's time: FTS5
# took 3-27 ms to count 10,000 matches of `夏日` or `trav` at a million works, 1,000 cost a tenth.
TOTAL_CAP = 1_000
# Only this many tokens take part in matching (the exact-title check uses them all): a phrase
# costs one doclist walk per token, and "的" * 200 took a second on a million works; 16
# consecutive characters already pin a title down.
MAX_QUERY_TOKENS = 16
MIN_PREFIX_CHARS = 2  # "s" as a prefix would match most of the catalogue; it stays a word


class Field(StrEnum):
    TITLE = "title"
    ALT_TITLES = "alt_titles"
    CREATORS = "creators"
    KEYWORDS = "keywords"  # tags and identifier values


TEXT_FIELDS = (Field.TITLE, Field.ALT_TITLES, Field.CREATORS, Field.KEYWORDS)


class Mode(StrEnum):
    PHRASE = "phrase"  # every token, in order, consecutive, whole words
    ALL = "all"  # every segment somewhere in the field; the last Latin word may be a prefix


@dataclass(frozen=True)
class Clause:
    fields: tuple[Field, ...]
    mode: Mode


@dataclass(frozen=True)
class Tier:
    name: str
    include: Clause
    exclude: tuple[Clause, ...] = ()


def _c(fields: tuple[Field, ...] | Field, mode: Mode) -> Clause:
    return Clause(fields if isinstance(fields, tuple) else (fields,), mode)


TITLE_PHRASE = _c(Field.TITLE, Mode.PHRASE)
TITLE_ALL = _c(Field.TITLE, Mode.ALL)
ALT_PHRASE = _c(Field.ALT_TITLES, Mode.PHRASE)
ALT_ALL = _c(Field.ALT_TITLES, Mode.ALL)
CREATORS_ALL = _c(Field.CREATORS, Mode.ALL)
ANYWHERE = _c(TEXT_FIELDS, Mode.ALL)

EXACT_TITLE = "exact_title"  # the normalised title equals the query; found by key, not text
# After the exact-title tier, best first. Each tier excludes what an earlier tier already took.
TIERS = (
    Tier("title_phrase", TITLE_PHRASE),
    Tier("title_partial", TITLE_ALL, (TITLE_PHRASE,)),
    Tier("alt_title_phrase", ALT_PHRASE, (TITLE_ALL,)),
    Tier("alt_title_partial", ALT_ALL, (TITLE_ALL, ALT_PHRASE)),
    Tier("creator", CREATORS_ALL, (TITLE_ALL, ALT_ALL)),
    Tier("other", ANYWHERE, (TITLE_ALL, ALT_ALL, CREATORS_ALL)),
)
EVERYTHING = "all"  # the single tier of a search without text


@dataclass(frozen=True)
class TextQuery:
    """The tokens of a text query, and how they combine."""

    tokens: tuple[str, ...]  # the first MAX_QUERY_TOKENS
    segments: tuple[Segment, ...]
    last_is_prefix: bool  # a trailing Latin word matches as a prefix ("summ" finds "summer")
    normalised: str  # every token, space-separated: compared with normalised titles

    @property
    def title_key(self) -> str:
        return title_key(self.normalised)

    def tiers(self) -> list[Tier]:
        """The tiers worth running: one whose condition equals an earlier one's is always empty."""
        out: list[Tier] = []
        for tier in TIERS:
            if tier.include.mode == Mode.ALL and self.phrase_equals_all:
                # With one segment and no prefix, "all" means the same as "phrase".
                phrase = Clause(tier.include.fields, Mode.PHRASE)
                if any(t.include == phrase for t in out):
                    continue
            out.append(tier)
        return out

    @property
    def phrase_equals_all(self) -> bool:
        return len(self.segments) == 1 and not self.last_is_prefix


def title_key(normalised_title: str) -> str:
    """A short fixed-size key of a normalised title, indexable on every engine."""
    return hashlib.sha256(normalised_title.encode("utf-8")).hexdigest()[:16]


def parse_text(text: str) -> TextQuery | None:
    """None when the text holds nothing searchable (blank, only punctuation or emoji)."""
    every = tokenize(text)
    if not every:
        return None
    tokens = every[:MAX_QUERY_TOKENS]
    segs = segments(tokens)
    last = segs[-1]
    return TextQuery(
        tokens=tuple(t.text for t in tokens),
        segments=tuple(segs),
        last_is_prefix=not last.cjk and len(last.tokens[0]) >= MIN_PREFIX_CHARS,
        normalised=" ".join(t.text for t in every),
    )


@dataclass(frozen=True)
class Filters:
    type_codes: tuple[str, ...] = ()  # a type and all its subtypes; any of them matches
    tag: str | None = None
    language: str | None = None
    creator: TextQuery | None = None
    owner_ids: tuple[str, ...] = ()  # registrant or active holder: any of these parties
    doc_no: int | None = None  # the one document an identifier pointed to
    # SQL on `d.work_id` from another feature (the use filter), with its bind parameters.
    work_condition: tuple[str, Mapping[str, Any]] | None = None

    @property
    def facet_tokens(self) -> list[list[str]]:
        """Facet terms the index must hold: each inner list is an OR, the lists are ANDed."""
        groups: list[list[str]] = []
        if self.type_codes:
            groups.append([facet("type", code) for code in self.type_codes])
        if self.tag is not None:
            groups.append([facet("tag", self.tag)])
        if self.language is not None:
            groups.append([facet("language", self.language)])
        if self.owner_ids:
            groups.append([facet("owner", party_id) for party_id in self.owner_ids])
        return groups


@dataclass(frozen=True)
class SearchRequest:
    text: TextQuery | None
    filters: Filters = field(default_factory=Filters)
    matchable: bool = True  # False when nothing can match (unsearchable text, unknown identifier)
    offset: int = 0
    limit: int = 20


_FACET_PREFIX = {"type": "t", "tag": "g", "language": "l", "owner": "o"}


@lru_cache(maxsize=4096)  # a bulk import repeats the same types, owners and tags
def facet(kind: str, value: str) -> str:
    """One opaque index term per facet value: a hash keeps any tag (Chinese, spaces, a 100-
    character tag that NFKC makes much longer) a single short ASCII token on both engines."""
    digest = hashlib.sha256(normalise(value).strip().encode("utf-8")).hexdigest()
    return _FACET_PREFIX[kind] + digest[:24]
