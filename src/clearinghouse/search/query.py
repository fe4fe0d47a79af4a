"""What a search asks for, engine-free: parsed text, filters, and the relevance tiers.

Relevance is a ladder of tiers, then a score inside a tier that both engines compute the same
way (ranking.py), so that SQLite and PostgreSQL return the same works in the same order: a
work sits in the first tier it matches; the last tie-breaker is the index's document number,
which follows work-id order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from clearinghouse.search.tokens import Segment, joined, normalise, segments, tokenize

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
    # A name: the segments next to each other inside one value (one creator): as typed, the
    # last Latin word a prefix; for two segments also the other way round, whole words ("Chen
    # Lily" finds "Lily Chen"). One segment: the same as ALL.
    NAME = "name"


@dataclass(frozen=True)
class Clause:
    fields: tuple[Field, ...]
    mode: Mode


@dataclass(frozen=True)
class Tier:
    name: str
    include: Clause
    exclude: tuple[Clause, ...] = ()
    also: tuple[Clause, ...] = ()  # further clauses ORed with `include` (the union of tiers)


def _c(fields: tuple[Field, ...] | Field, mode: Mode) -> Clause:
    return Clause(fields if isinstance(fields, tuple) else (fields,), mode)


TITLE_PHRASE = _c(Field.TITLE, Mode.PHRASE)
TITLE_ALL = _c(Field.TITLE, Mode.ALL)
ALT_PHRASE = _c(Field.ALT_TITLES, Mode.PHRASE)
ALT_ALL = _c(Field.ALT_TITLES, Mode.ALL)
CREATOR_NAME = _c(Field.CREATORS, Mode.NAME)
# Words may come from the titles and the tags together, but never from a creator's name and
# something else: "Chloe Park" must not be creator "Chloe Turner" plus a title "Parkways".
NOT_CREATORS = _c((Field.TITLE, Field.ALT_TITLES, Field.KEYWORDS), Mode.ALL)
ANYWHERE = _c(TEXT_FIELDS, Mode.ALL)

EXACT_TITLE = "exact_title"  # the normalised title equals the query; found by key, not text
# After the exact-title tier, best first, for a query of one word or one Chinese run.
_ONE_SEGMENT_ORDER = (
    ("title_phrase", TITLE_PHRASE), ("title_partial", TITLE_ALL),
    ("alt_title_phrase", ALT_PHRASE), ("alt_title_partial", ALT_ALL),
    ("creator", CREATOR_NAME), ("other", NOT_CREATORS),
)
# Several words: a creator's whole name ranks above titles whose words merely straddle it
# ("Chloe Turner" the creator above the title "Chloe Meets the Turner Family").
_SEVERAL_SEGMENTS_ORDER = (
    ("title_phrase", TITLE_PHRASE), ("alt_title_phrase", ALT_PHRASE), ("creator", CREATOR_NAME),
    ("title_partial", TITLE_ALL), ("alt_title_partial", ALT_ALL), ("other", NOT_CREATORS),
)


def _subsumes(wider: Clause, narrower: Clause) -> bool:
    """Whether every match of `narrower` is a match of `wider` (so excluding `wider` suffices)."""
    if wider == narrower:
        return True
    return (wider.fields == narrower.fields and wider.mode == Mode.ALL
            and narrower.mode in (Mode.PHRASE, Mode.NAME))


def _ladder(order: tuple[tuple[str, Clause], ...]) -> tuple[Tier, ...]:
    """Each tier excludes what an earlier tier took (only the widest of the earlier clauses)."""
    tiers: list[Tier] = []
    for i, (name, clause) in enumerate(order):
        earlier = [c for _, c in order[:i]]
        kept = [c for c in earlier
                if not any(o != c and _subsumes(o, c) for o in earlier)]
        tiers.append(Tier(name, clause, tuple(kept)))
    return tuple(tiers)


TIERS = _ladder(_ONE_SEGMENT_ORDER)
TIERS_SEVERAL = _ladder(_SEVERAL_SEGMENTS_ORDER)
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
        ladder = TIERS if len(self.segments) == 1 else TIERS_SEVERAL
        for tier in ladder:
            if tier.include.mode != Mode.PHRASE and self.phrase_equals_all:
                # With one segment and no prefix, "all" means the same as "phrase".
                phrase = Clause(tier.include.fields, Mode.PHRASE)
                if any(t.include == phrase for t in out):
                    continue
            out.append(tier)
        return out

    def every_match(self) -> Tier:
        """A tier holding every work some tier holds (for counting and fetching all matches).

        One segment: the segment anywhere, which needs no field weights on PostgreSQL."""
        if len(self.segments) == 1:
            return Tier("count", ANYWHERE)
        return Tier("count", NOT_CREATORS, also=(CREATOR_NAME,))

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
        normalised=joined(every),
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
