"""SQL of delivery: the record of each download (the files themselves are in the FileStore).

How many downloads a page of licenses had is read with the licenses (licenses/repository.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import Download
from clearinghouse.registry.tables import Work


def record_download(
    session: Session,
    *,
    license_id: str,
    work_id: str,
    file_sha256: str | None,
    size: int | None,
    link_expires_at: datetime,
) -> None:
    session.add(Download(license_id=license_id, work_id=work_id, file_sha256=file_sha256,
                         bytes=size, link_expires_at=link_expires_at))
    session.flush()


def stored_files(session: Session, work_ids: list[str]) -> dict[str, tuple[str, str]]:
    """work id -> (file key, sha256) of those of the works that have a file."""
    if not work_ids:
        return {}
    rows = session.execute(select(Work.id, Work.file_key, Work.file_sha256)
                           .where(Work.id.in_(work_ids), Work.file_key.is_not(None)))
    return {work_id: (key, sha) for work_id, key, sha in rows if key and sha}
