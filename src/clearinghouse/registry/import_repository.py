"""All SQL of the bulk import: the look-ups of a batch of rows, and writing a batch of works
with one multi-row statement per table (what the services do row by row, in bulk)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.orm import Session

from clearinghouse.core import bulk, changes
from clearinghouse.core.tables import AuditEvent
from clearinghouse.registry.import_writer import WorkRows
from clearinghouse.registry.tables import (
    Holding,
    OwnershipConflict,
    Party,
    Work,
    WorkCreator,
    WorkIdentifier,
    WorkRelation,
    WorkTag,
    WorkType,
)

# Parents before children, so that foreign keys hold at every statement; Core tables and one
# executemany each (core.bulk), so that a batch costs no per-row ORM or statement work.
_WRITE_ORDER: tuple[tuple[str, Table], ...] = tuple(
    (name, model.__table__) for name, model in (  # type: ignore[misc]
        ("works", Work), ("identifiers", WorkIdentifier), ("creators", WorkCreator),
        ("tags", WorkTag), ("holdings", Holding), ("relations", WorkRelation),
        ("conflicts", OwnershipConflict), ("audit", AuditEvent)))


def type_categories(session: Session) -> dict[str, str]:
    return {code: category for code, category in session.execute(select(WorkType.code, WorkType.category))}


def registered_identifiers(session: Session,
                           keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    if not keys:
        return {}
    rows = session.execute(
        select(WorkIdentifier.scheme, WorkIdentifier.value, WorkIdentifier.work_id)
        .where(WorkIdentifier.value.in_({value for _, value in keys})))
    return {(s, v): w for s, v, w in rows if (s, v) in keys}


def party_roles(session: Session, party_ids: Collection[str]) -> dict[str, list[str]]:
    if not party_ids:
        return {}
    rows = session.execute(select(Party.id, Party.roles).where(Party.id.in_(party_ids)))
    return {party_id: roles for party_id, roles in rows}


def work_categories(session: Session, work_ids: Collection[str]) -> dict[str, str]:
    if not work_ids:
        return {}
    rows = session.execute(
        select(Work.id, WorkType.category).join(WorkType, WorkType.code == Work.type_code)
        .where(Work.id.in_(work_ids)))
    return {work_id: category for work_id, category in rows}


def insert_rows(session: Session, rows: WorkRows) -> None:
    for name, table in _WRITE_ORDER:
        bulk.insert_many(session, table, getattr(rows, name))
    changes.works_added(session, rows.documents)  # the search index and other listeners


def batch_events(session: Session, job_id: str, action: str) -> list[dict[str, Any]]:
    """What each committed batch of an import job recorded, in the order they committed."""
    rows = session.scalars(select(AuditEvent.after).where(
        AuditEvent.entity_type == "job", AuditEvent.entity_id == job_id,
        AuditEvent.action == action).order_by(AuditEvent.id))
    return [after for after in rows if after is not None]


def delete_works(session: Session, work_ids: Sequence[str]) -> None:
    """Undo an import's works (all-or-nothing after a failed batch); the audit trail stays."""
    if not work_ids:
        return
    changes.works_removed(session, work_ids)
    ids = list(work_ids)
    session.execute(delete(OwnershipConflict).where(OwnershipConflict.work_id.in_(ids)))
    session.execute(delete(WorkRelation).where(or_(WorkRelation.from_work_id.in_(ids),
                                                   WorkRelation.to_work_id.in_(ids))))
    for model in (Holding, WorkTag, WorkCreator, WorkIdentifier):
        session.execute(delete(model).where(model.work_id.in_(ids)))
    session.execute(delete(Work).where(Work.id.in_(ids)))
