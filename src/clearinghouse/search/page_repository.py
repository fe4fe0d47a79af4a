"""The SQL that describes one page of hits: only the columns a result shows, one query per table.

Loading full ORM records (every column, identity map, `selectin` relationships) took about 45 %
of a search request; plain Core selects over the page's work ids read the same facts cheaply.
Each function returns rows grouped by work id, in the order the API shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from clearinghouse.registry.tables import Holding, Party, Work, WorkCreator, WorkIdentifier, WorkTag


@dataclass(frozen=True)
class WorkSummary:
    id: str
    type_code: str
    title: str
    alt_titles: list[dict[str, Any]]
    version: int


_works, _creators, _tags = Work.__table__.c, WorkCreator.__table__.c, WorkTag.__table__.c
_identifiers, _holdings, _parties = (WorkIdentifier.__table__.c, Holding.__table__.c,
                                     Party.__table__.c)
_IDS = bindparam("ids", expanding=True)
# Built once over the tables (not the ORM classes): the session passes them straight to the
# connection, and SQLAlchemy's statement cache hits every time.
_WORKS = select(_works.id, _works.type_code, _works.title, _works.alt_titles,
                _works.version).where(_works.id.in_(_IDS))
_CREATORS = (select(_creators.work_id, _creators.name).where(_creators.work_id.in_(_IDS))
             .order_by(_creators.work_id, _creators.position, _creators.id))
_TAGS = (select(_tags.work_id, _tags.tag).where(_tags.work_id.in_(_IDS))
         .order_by(_tags.work_id, _tags.tag))
_IDENTIFIERS = (select(_identifiers.work_id, _identifiers.scheme, _identifiers.value)
                .where(_identifiers.work_id.in_(_IDS))
                .order_by(_identifiers.work_id, _identifiers.id))
_HOLDERS = (select(_holdings.work_id, _holdings.holder_id, _parties.name)
            .join_from(Holding.__table__, Party.__table__, _parties.id == _holdings.holder_id)
            .where(_holdings.work_id.in_(_IDS), _holdings.status == "active")
            .order_by(_holdings.work_id, _holdings.created_at, _holdings.id))


def work_summaries(session: Session, work_ids: Sequence[str]) -> dict[str, WorkSummary]:
    rows = session.execute(_WORKS, {"ids": list(work_ids)})
    return {r[0]: WorkSummary(r[0], r[1], r[2], list(r[3] or []), r[4]) for r in rows}


def creator_names(session: Session, work_ids: Sequence[str]) -> dict[str, list[str]]:
    """Creator names in credit order."""
    return _grouped(session.execute(_CREATORS, {"ids": list(work_ids)}))


def tags(session: Session, work_ids: Sequence[str]) -> dict[str, list[str]]:
    return _grouped(session.execute(_TAGS, {"ids": list(work_ids)}))


def identifiers(session: Session, work_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for work_id, scheme, value in session.execute(_IDENTIFIERS, {"ids": list(work_ids)}):
        out.setdefault(work_id, []).append((scheme, value))
    return out


def active_holders(session: Session, work_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """(party id, name) of the parties with an active holding, each once, oldest holding first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for work_id, party_id, name in session.execute(_HOLDERS, {"ids": list(work_ids)}):
        holders = out.setdefault(work_id, [])
        if all(p != party_id for p, _ in holders):
            holders.append((party_id, name))
    return out


def _grouped(rows: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for work_id, value in rows:
        out.setdefault(work_id, []).append(value)
    return out
