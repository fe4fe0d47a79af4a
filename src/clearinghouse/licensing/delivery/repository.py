"""SQL of delivery: the record of each download (the files themselves are in the FileStore).

How many downloads a page of licenses had is read with the licenses (licenses/repository.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import Download


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
