"""Use cases of reference media: who may add, list and remove a work's references.

The work's managers (registry/management.py: registrant, managing holders, their agents with a
mandate for every right, the operator) do; nobody else sees them. Services flush, never commit;
the index is written once the row has its id, and undone if the transaction fails after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.errors import NotFound
from clearinghouse.identification.references import repository
from clearinghouse.identification.references.domain import reference_key
from clearinghouse.identification.references.indexes import ReferenceIndexes
from clearinghouse.identification.references.prints import Prints
from clearinghouse.identification.references.tables import MediaReference
from clearinghouse.registry.management import require_manage
from clearinghouse.registry.works_service import get_work


@dataclass(frozen=True)
class ReceivedFile:
    sha256: str
    byte_size: int
    file_name: str | None


def check_may_add(session: Session, principal: Principal, work_id: str) -> None:
    """Refuse a stranger before a large body is read."""
    require_manage(session, principal, get_work(session, work_id))


def add_reference(session: Session, principal: Principal, work_id: str, received: ReceivedFile,
                  prints: Prints, indexes: ReferenceIndexes) -> tuple[MediaReference, bool]:
    """The work's reference for these bytes, and whether it is new (the same file twice is one
    reference). Its prints go into the indexes under the new row's id."""
    require_manage(session, principal, get_work(session, work_id))
    existing = repository.by_work_and_hash(session, work_id, received.sha256)
    if existing is not None:
        return existing, False
    indexed = prints.audio is not None or prints.visual is not None
    reference = repository.add(session, MediaReference(
        work_id=work_id, kind=prints.kind, duration_s=round(prints.duration, 3),
        sha256=received.sha256, byte_size=received.byte_size,
        file_key=reference_key(work_id, received.sha256), file_name=received.file_name,
        status="indexed" if indexed else "stored", audio_prints=prints.audio_count,
        visual_prints=prints.visual_count, added_by_id=principal.party_id))
    record(session, principal, "reference.add", "media_reference", str(reference.id),
           after={"work_id": work_id, "kind": prints.kind, "sha256": received.sha256})
    if indexed:
        indexes.add(reference.id, prints)
    return reference, True


def get_reference(session: Session, principal: Principal, reference_id: int) -> MediaReference:
    reference = repository.get(session, reference_id)
    if reference is None:
        raise NotFound(f"reference {reference_id} not found", field="reference_id")
    require_manage(session, principal, get_work(session, reference.work_id))
    return reference


def list_references(session: Session, principal: Principal, work_id: str) -> list[MediaReference]:
    require_manage(session, principal, get_work(session, work_id))
    return repository.of_work(session, work_id)


def delete_reference(session: Session, principal: Principal, reference_id: int,
                     indexes: ReferenceIndexes) -> MediaReference:
    """Remove the row and its prints; the caller deletes the stored file after the commit."""
    reference = get_reference(session, principal, reference_id)
    repository.delete(session, reference)
    record(session, principal, "reference.delete", "media_reference", str(reference_id),
           before={"work_id": reference.work_id, "sha256": reference.sha256})
    indexes.remove(reference_id)
    return reference
