"""Delivery of a licensed work's file: the file store, signed download links, counted downloads.

Files live in any fsspec file system (`settings.files_url`: a local folder by default, `memory://`
in tests, `s3://…` by configuration). An upload is written to a temporary name and only renamed to
its final, content-addressed key once complete and checked, so a failed upload leaves nothing.

A download link is a short-lived capability: `base64url(license.work.expiry).base64url(HMAC)`, keyed
with a secret kept in the data directory. Whoever holds the link may fetch the file until it
expires, as long as the license is active.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, Gone, NotFound, ValidationFailed
from clearinghouse.core.files import FileStore, StagedFile
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.delivery import repository as delivery_repository
from clearinghouse.licensing.licenses import reasons
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.registry import repository
from clearinghouse.registry.tables import Work
from clearinghouse.registry.works_service import get_work, require_manage


def file_key(work_id: str, sha256: str) -> str:
    """Content-addressed, so replacing a file never overwrites the bytes a link may be serving."""
    return f"works/{work_id}/{sha256}"


def safe_file_name(name: str | None) -> str | None:
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')[:200]
    return cleaned or None


# -- signed links -------------------------------------------------------------------------------


def link_secret(data_dir: Path) -> bytes:
    """The HMAC key for download links, created on first use and readable only by this user."""
    path = data_dir / "download-links.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; use theirs
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LinkClaims:
    license_id: str
    work_id: str
    expires_at: datetime


def sign_link(
    secret: bytes, license_id: str, work_id: str, seconds: int, now: datetime | None = None
) -> tuple[str, datetime]:
    expires = (now or utcnow()).replace(microsecond=0) + timedelta(seconds=seconds)
    payload = f"{license_id}.{work_id}.{int(expires.timestamp())}".encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}", expires


def read_link(secret: bytes, token: str, now: datetime | None = None) -> LinkClaims:
    """The link's claims; a forged or altered link -> 403, an expired one -> 410."""
    try:
        payload_part, mac_part = token.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
    except (ValueError, TypeError):
        raise Forbidden(
            "this download link is malformed or has been altered", field="token"
        ) from None
    if not hmac.compare_digest(mac, hmac.new(secret, payload, hashlib.sha256).digest()):
        raise Forbidden("this download link is malformed or has been altered", field="token")
    license_id, work_id, expiry = payload.decode().split(".")
    expires_at = datetime.fromtimestamp(int(expiry), UTC)
    if (now or utcnow()) >= expires_at:
        raise Gone(
            f"this download link expired at {expires_at.isoformat()}; ask for a new one",
            field="token",
            details={"expired_at": expires_at.isoformat()},
        )
    return LinkClaims(license_id, work_id, expires_at)


def content_disposition(name: str | None, fallback: str) -> dict[str, Any]:
    chosen = name or fallback
    ascii_name = chosen.encode("ascii", "replace").decode().replace("?", "_")
    return {
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(chosen)}"
        )
    }


# -- use cases ----------------------------------------------------------------------------------


def store_for(settings: Settings) -> FileStore:
    return FileStore(settings.files_url)


def attach_file(
    session: Session,
    principal: Principal,
    work_id: str,
    staged: StagedFile,
    file_name: str | None,
    store: FileStore,
) -> tuple[Work, str | None]:
    """Point the work at its newly committed file; returns (work, key of the file it replaced)."""
    work = get_work(session, work_id)
    require_manage(session, principal, work)
    key = file_key(work.id, staged.sha256)
    before = {
        "file_key": work.file_key,
        "file_sha256": work.file_sha256,
        "file_size": work.file_size,
    }
    previous = work.file_key if work.file_key and work.file_key != key else None
    work.file_key, work.file_size, work.file_sha256 = key, staged.size, staged.sha256
    work.file_name = safe_file_name(file_name) or work.file_name
    work.touch()
    session.flush()
    record(
        session,
        principal,
        "work.file",
        "work",
        work.id,
        before,
        {
            "file_key": key,
            "file_sha256": staged.sha256,
            "file_size": staged.size,
            "file_name": work.file_name,
        },
    )
    return work, previous


def check_deliverable(lic: License) -> None:
    """Only an active license delivers; the error says why not, and what to do."""
    status = licenses.effective_status(lic)
    if status == licenses.ACTIVE:
        return
    if status == licenses.EXPIRED:
        raise Gone(
            f"license {lic.id} expired on {lic.valid_to}; files are no longer delivered",
            field="license_id",
            details={"status": status},
        )
    why = {
        licenses.PENDING: "is waiting for payment; files are delivered once it is paid",
        # A link is a bearer token anyone may hold: the public reason, not the private note.
        licenses.SUSPENDED: f"is suspended ({reasons.label(lic.status_reason_code)})",
        licenses.REVOKED: f"was revoked ({reasons.label(lic.status_reason_code)})",
    }[status]
    raise Forbidden(f"license {lic.id} {why}", field="license_id", details={"status": status})


def issue_links(
    session: Session,
    principal: Principal,
    license_id: str,
    work_id: str | None,
    settings: Settings,
) -> tuple[datetime, list[dict[str, Any]]]:
    """Signed links to the files of a license's works (the licensee, or the operator)."""
    lic = licenses.load(session, license_id)
    if not (principal.is_operator or lic.licensee_id == principal.party_id):
        raise Forbidden("only the licensee may download the licensed files", field="license_id")
    check_deliverable(lic)
    wanted = [work_id] if work_id else list(lic.work_ids)
    if work_id and work_id not in lic.work_ids:
        raise ValidationFailed(f"work {work_id} is not part of license {lic.id}", field="work_id")
    works = repository.works_by_ids(session, wanted)
    with_files = [works[w] for w in wanted if w in works and works[w].file_key]
    if not with_files:
        raise NotFound("the owner has not uploaded a file for this work yet", field="work_id")
    secret = link_secret(settings.data_dir)
    base = settings.public_url
    links, expires = [], utcnow()
    for work in with_files:
        token, expires = sign_link(secret, lic.id, work.id, settings.download_link_seconds)
        links.append(
            {
                "work_id": work.id,
                "file_name": work.file_name,
                "size": work.file_size,
                "sha256": work.file_sha256,
                "url": f"{base}/api/v1/downloads/{token}",
                "token": token,
                "expires_at": expires,
            }
        )
    return expires, links


@dataclass(frozen=True)
class DownloadPlan:
    """What a link delivers, read before the (slow) preparation of the licensee's copy."""

    license_id: str
    work_id: str
    file_key: str
    file_sha256: str
    file_size: int
    file_name: str | None
    certificate: dict[str, Any] | None  # the signed certificate the delivered copy carries


def _checked(session: Session, token: str, settings: Settings) -> tuple[Work, License, LinkClaims]:
    claims = read_link(link_secret(settings.data_dir), token)
    lic = licenses.load(session, claims.license_id)
    check_deliverable(lic)
    work = repository.get_work(session, claims.work_id)
    if work is None or not work.file_key:
        raise Gone("the file of this work is no longer available", field="token")
    return work, lic, claims


def plan_download(session: Session, token: str, settings: Settings) -> DownloadPlan:
    """Check the link and the license (read-only); what to deliver."""
    work, lic, _ = _checked(session, token, settings)
    assert work.file_key is not None and work.file_sha256 is not None  # _checked refuses these
    return DownloadPlan(lic.id, work.id, work.file_key, work.file_sha256, work.file_size or 0,
                        work.file_name, lic.certificate)


def open_download(session: Session, token: str, settings: Settings,
                  delivered_bytes: int | None = None) -> tuple[Work, License]:
    """Check the link and the license again, count the download; (work, license) to stream."""
    work, lic, claims = _checked(session, token, settings)
    delivery_repository.record_download(
        session,
        license_id=lic.id,
        work_id=work.id,
        file_sha256=work.file_sha256,
        size=work.file_size if delivered_bytes is None else delivered_bytes,
        link_expires_at=claims.expires_at,
    )
    return work, lic

