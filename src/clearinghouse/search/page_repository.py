"""The SQL that describes one page of hits: only the columns a result shows, in one statement.

Loading full ORM records (every column, identity map, `selectin` relationships) took about 45 %
of a search request; then one Core select per table (works, creators, tags, identifiers,
holders) still cost more in SQLAlchemy's per-statement work than in the database. Now one
statement returns one row per work with its lists aggregated as JSON by the database (each
list in the order the API shows it), and the work ids travel as one JSON array parameter, so
the statement text never changes with the page size and needs no expanding `IN` compiled
per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres


@dataclass(frozen=True)
class WorkSummary:
    """What a result (or a linked work) shows of one work."""

    id: str
    type_code: str
    title: str
    alt_titles: list[dict[str, Any]]
    version: int
    creators: list[str]  # names, in credit order
    tags: list[str]  # in tag order
    identifiers: list[tuple[str, str]]  # (scheme, value), in registration order
    holders: list[tuple[str, str]]  # (party id, name), active holdings, each party once


# SQLite: json_group_array aggregates rows in the order its subquery delivers them (a subquery
# with ORDER BY under an aggregate is never flattened), and a json_array made inside the
# aggregate stays JSON (made in the subquery it would arrive as a quoted string).
_SQLITE = text("""
SELECT w.id, w.type_code, w.title, w.alt_titles, w.version,
 (SELECT json_group_array(name) FROM (SELECT c.name FROM work_creators c
   WHERE c.work_id = w.id ORDER BY c.position, c.id)),
 (SELECT json_group_array(tag) FROM (SELECT t.tag FROM work_tags t
   WHERE t.work_id = w.id ORDER BY t.tag)),
 (SELECT json_group_array(json_array(scheme, value)) FROM (SELECT i.scheme, i.value
   FROM work_identifiers i WHERE i.work_id = w.id ORDER BY i.id)),
 (SELECT json_group_array(json_array(holder_id, name)) FROM (SELECT h.holder_id, p.name
   FROM holdings h JOIN parties p ON p.id = h.holder_id
   WHERE h.work_id = w.id AND h.status = 'active' ORDER BY h.created_at, h.id))
FROM works w WHERE w.id IN (SELECT value FROM json_each(:ids))
""")
_POSTGRES = text("""
SELECT w.id, w.type_code, w.title, w.alt_titles, w.version,
 (SELECT json_agg(c.name ORDER BY c.position, c.id) FROM work_creators c
   WHERE c.work_id = w.id),
 (SELECT json_agg(t.tag ORDER BY t.tag) FROM work_tags t WHERE t.work_id = w.id),
 (SELECT json_agg(json_build_array(i.scheme, i.value) ORDER BY i.id) FROM work_identifiers i
   WHERE i.work_id = w.id),
 (SELECT json_agg(json_build_array(h.holder_id, p.name) ORDER BY h.created_at, h.id)
   FROM holdings h JOIN parties p ON p.id = h.holder_id
   WHERE h.work_id = w.id AND h.status = 'active')
FROM works w WHERE w.id = ANY(CAST(:ids AS text[]))
""")


@dataclass(frozen=True)
class Link:
    """One end of an `embodies` relation, seen from a hit."""

    work_id: str  # the hit
    linked_as: str  # "recording" (it embodies the hit) or "composition" (the hit embodies it)
    linked_id: str
    total: int  # how many works are linked to the hit this way, shown or not


# The relation's two indexes drive each side; only the ends and counts are read, since the
# linked works are described by `work_summaries` with the hits (registry's embodiment_links
# also joins both works and their codes, which a page does not use). Oldest registration (id)
# first, at most :per_work per hit and side.
_LINK_SIDES = """
SELECT work_id, linked_as, linked_id, total FROM (
 SELECT r.to_work_id AS work_id, 'recording' AS linked_as, r.from_work_id AS linked_id,
  count(*) OVER (PARTITION BY r.to_work_id) AS total,
  row_number() OVER (PARTITION BY r.to_work_id ORDER BY r.from_work_id) AS n
 FROM work_relations r WHERE r.kind = 'embodies' AND r.to_work_id IN ({ids})
 UNION ALL
 SELECT r.from_work_id, 'composition', r.to_work_id,
  count(*) OVER (PARTITION BY r.from_work_id),
  row_number() OVER (PARTITION BY r.from_work_id ORDER BY r.to_work_id)
 FROM work_relations r WHERE r.kind = 'embodies' AND r.from_work_id IN ({ids})
) AS sides WHERE n <= :per_work ORDER BY work_id, linked_as, linked_id
"""
_SQLITE_LINKS = text(_LINK_SIDES.format(ids="SELECT value FROM json_each(:ids)"))
_POSTGRES_LINKS = text(_LINK_SIDES.format(ids="SELECT unnest(CAST(:ids AS text[]))"))


def embodiment_links(session: Session, work_ids: Sequence[str], *, per_work: int) -> list[Link]:
    """The recordings of each composition among the hits and the compositions each recording
    embodies, at most `per_work` of each: one statement for the page."""
    if not work_ids:
        return []
    pg = is_postgres(session)
    ids: Any = list(work_ids) if pg else orjson.dumps(list(work_ids)).decode()
    rows = session.execute(_POSTGRES_LINKS if pg else _SQLITE_LINKS,
                           {"ids": ids, "per_work": per_work})
    return [Link(r[0], r[1], r[2], int(r[3])) for r in rows]


def work_summaries(session: Session, work_ids: Sequence[str]) -> dict[str, WorkSummary]:
    """The page's works (and their linked works), by id; ids no longer present are missing."""
    if not work_ids:
        return {}
    if is_postgres(session):
        rows = session.execute(_POSTGRES, {"ids": list(work_ids)})
    else:
        rows = session.execute(_SQLITE, {"ids": orjson.dumps(list(work_ids)).decode()})
    return {r[0]: WorkSummary(
        id=r[0], type_code=r[1], title=r[2], alt_titles=list(_json(r[3])), version=r[4],
        creators=_json(r[5]), tags=_json(r[6]),
        identifiers=[(s, v) for s, v in _json(r[7])],
        holders=_each_party_once(_json(r[8])),
    ) for r in rows}


def _json(value: Any) -> list[Any]:
    """A JSON list as the driver hands it over: text (SQLite), already decoded (psycopg), or
    NULL (PostgreSQL's json_agg of no rows)."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        return orjson.loads(value) or []
    return list(value)


def _each_party_once(pairs: list[list[str]]) -> list[tuple[str, str]]:
    """A party holding two shares of a work is one holder, at its oldest holding."""
    out: dict[str, str] = {}
    for party_id, name in pairs:
        out.setdefault(party_id, name)
    return list(out.items())
