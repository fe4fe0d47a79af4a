"""Turn a work's fields into the text the index stores (pure: no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from clearinghouse.search.query import facet, title_key
from clearinghouse.search.tokens import GAP, indexed_text

PG_MAX_POSITION = 16383  # PostgreSQL clamps larger positions; we stop there
PG_MAX_POSITIONS_PER_LEXEME = 255


@dataclass(frozen=True)
class IndexedDocument:
    work_id: str
    title_key: str
    title: str
    alt_titles: str
    creators: str
    keywords: str
    facets: str

    def row(self) -> dict[str, str]:
        return {
            "work_id": self.work_id, "title_key": self.title_key, "title": self.title,
            "alt_titles": self.alt_titles, "creators": self.creators, "keywords": self.keywords,
            "facets": self.facets,
        }

    def tsvector(self) -> str:
        """The PostgreSQL tsvector literal: the four text fields weighted A, B, C, D.

        Positions follow the tokens; a gap token or a field boundary skips one position, so a
        phrase (`<->`, distance exactly 1) never joins two separate values.
        """
        positions: dict[str, list[str]] = {}
        pos = 1
        for text, weight in ((self.title, "A"), (self.alt_titles, "B"), (self.creators, "C"),
                             (self.keywords, "D")):
            for token in text.split():
                if pos > PG_MAX_POSITION:
                    break
                if token != GAP:
                    slots = positions.setdefault(token, [])
                    if len(slots) < PG_MAX_POSITIONS_PER_LEXEME:
                        slots.append(f"{pos}{weight}")
                pos += 1
            pos += 1
        return " ".join(f"{_ts_quote(tok)}:{','.join(slots)}" for tok, slots in positions.items())

    def facets_tsvector(self) -> str:
        return " ".join(_ts_quote(term) for term in sorted(set(self.facets.split())))


def _ts_quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def build_document(
    *,
    work_id: str,
    title: str,
    alt_titles: Sequence[dict[str, Any]] | None,
    creators: Iterable[str],
    tags: Iterable[str],
    identifiers: Iterable[tuple[str, str]],
    type_code: str,
    language: str | None,
    owners: Iterable[str] = (),
) -> IndexedDocument:
    """`owners`: the registrant and every party holding an active share."""
    tag_list = list(tags)
    title_text = indexed_text([title])
    facets = [facet("type", type_code)] + [facet("tag", t) for t in tag_list]
    if language:
        facets.append(facet("language", language))
    facets += [facet("owner", party_id) for party_id in owners]
    return IndexedDocument(
        work_id=work_id,
        title_key=title_key(title_text),
        title=title_text,
        alt_titles=indexed_text([str(a.get("title", "")) for a in alt_titles or []]),
        creators=indexed_text(list(creators)),
        keywords=indexed_text(tag_list + [value for _, value in identifiers]),
        facets=" ".join(dict.fromkeys(facets)),
    )
