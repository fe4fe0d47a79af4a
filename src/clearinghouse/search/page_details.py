"""The SQL that describes one page of hits: only the columns a result shows, one query per table.

Loading full ORM records (every column, identity map, `selectin` relationships) took about 45 %
of a search request; plain Core selects over the page's work ids read the same facts cheaply.
Each function returns rows grouped by work id, in the order the API shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.registry.tables import Holding, Party, Work, WorkCreator, WorkIdentifier, WorkTag


@dataclass(frozen=True)
class WorkSummary:
    id: str
    type_code: str
    title: str
    alt_titles: list[dict[str, Any]]
    version: int


def work_summaries(session: Session, work_ids: Sequence[str]) -> dict[str, WorkSummary]:
    rows = session.execute(
        select(Work.id, Work.type_code, Work.title, Work.alt_titles, Work.version)
        .where(Work.id.in_(work_ids))
    )
    return {r.id: WorkSummary(r.id, r.type_code, r.title, list(r.alt_titles or []), r.version)
            for r in rows}


def creator_names(session: Session, work_ids: Sequence[str]) -> dict[str, list[str]]:
    """Creator names in credit order."""
    return _grouped(session.execute(
        select(WorkCreator.work_id, WorkCreator.name).where(WorkCreator.work_id.in_(work_ids))
        .order_by(WorkCreator.work_id, WorkCreator.position, WorkCreator.id)
    ))


def tags(session: Session, work_ids: Sequence[str]) -> dict[str, list[str]]:
    return _grouped(session.execute(
        select(WorkTag.work_id, WorkTag.tag).where(WorkTag.work_id.in_(work_ids))
        .order_by(WorkTag.work_id, WorkTag.tag)
    ))


def identifiers(session: Session, work_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for work_id, scheme, value in session.execute(
        select(WorkIdentifier.work_id, WorkIdentifier.scheme, WorkIdentifier.value)
        .where(WorkIdentifier.work_id.in_(work_ids))
        .order_by(WorkIdentifier.work_id, WorkIdentifier.id)
    ):
        out.setdefault(work_id, []).append((scheme, value))
    return out


def active_holders(session: Session, work_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """(party id, name) of the parties with an active holding, each once, oldest holding first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for work_id, party_id, name in session.execute(
        select(Holding.work_id, Holding.holder_id, Party.name)
        .join(Party, Party.id == Holding.holder_id)
        .where(Holding.work_id.in_(work_ids), Holding.status == "active")
        .order_by(Holding.work_id, Holding.created_at, Holding.id)
    ):
        holders = out.setdefault(work_id, [])
        if all(p != party_id for p, _ in holders):
            holders.append((party_id, name))
    return out


def _grouped(rows: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for work_id, value in rows:
        out.setdefault(work_id, []).append(value)
    return out
