"""Taking in a reference file: decode it in a worker, keep the bytes in the file store, record the
row and its prints. Shared by the API, the owner's page and the CLI; the caller owns the file at
`path` (a spool file or the user's own) and removes it if it is a spool file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.files import FileStore
from clearinghouse.core.settings import Settings
from clearinghouse.identification.references import service
from clearinghouse.identification.references.domain import reference_key
from clearinghouse.identification.references.indexes import indexes_for
from clearinghouse.identification.references.isolated import extract_isolated
from clearinghouse.identification.references.prints import Prints
from clearinghouse.identification.references.schemas import ReferenceOut, reference_out

SPOOL_FOLDER = "uploads"


def spool_folder(settings: Settings) -> Path:
    return settings.data_dir / SPOOL_FOLDER


def size_limit(settings: Settings) -> int:
    return min(settings.media_max_bytes, settings.max_upload_bytes)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def take_reference(sessions: sessionmaker[Session], settings: Settings, principal: Principal,
                   work_id: str, path: Path, received: service.ReceivedFile,
                   prints: Prints | None = None) -> tuple[ReferenceOut, bool]:
    """Decode, store and record the file at `path` as a reference of `work_id` (`prints`: already
    extracted by a trusted batch job, see batch.py)."""
    if prints is None:
        prints = extract_isolated(path, settings)  # 422 before anything is kept
    store = FileStore(settings.files_url)
    key = reference_key(work_id, received.sha256)
    existed = store.exists(key)
    if not existed:
        store.put_local(path, key)
    indexes = indexes_for(settings.data_dir)
    added: int | None = None
    try:
        with unit_of_work(sessions) as session:
            reference, created = service.add_reference(session, principal, work_id, received,
                                                       prints, indexes)
            added = reference.id if created else None
            out = reference_out(reference)
    except BaseException:
        if added is not None:
            indexes.remove(added)  # the row was rolled back: so are its prints
        if not existed:
            store.delete(key)
        raise
    return out, created


def forget_reference(sessions: sessionmaker[Session], settings: Settings, principal: Principal,
                     reference_id: int) -> None:
    """Delete the reference, its prints and (once nothing refers to it) its stored file."""
    with unit_of_work(sessions) as session:
        reference = service.delete_reference(session, principal, reference_id,
                                             indexes_for(settings.data_dir))
        key = reference.file_key
    FileStore(settings.files_url).delete(key)
