"""Read the licence first: an upload carrying our C2PA licence manifest is checked against that
licence before it is fingerprinted.

The manifest is read in a worker (licensing/certificates/media_reading.py). It counts only when
intact (the file is what was signed), trusted (signed under this clearinghouse's root) and the
licence it names exists; the licence then covers a work only if the grants index says so for
this upload's use: the work, the licensee (who must be the uploader, when the platform says who
that is), the channel, the territory and the upload's date (licensing/licenses/grants.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.core.media_types import SNIFF_BYTES, sniff_media_type
from clearinghouse.core.settings import Settings
from clearinghouse.enforcement.domain import UploadFacts
from clearinghouse.identification.uploads.domain import LicenceEvidence
from clearinghouse.licensing.certificates.media_reading import MediaCheck, read_manifest_isolated
from clearinghouse.licensing.certificates.x509 import ensure_signing_material
from clearinghouse.licensing.delivery.provenance import C2PA_FORMATS
from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.grants import CoverageQuestion
from clearinghouse.licensing.licenses.tables import License


def read_manifest(path: Path, settings: Settings) -> MediaCheck | None:
    """The file's manifest, checked against our root; None for a format that cannot carry one."""
    with path.open("rb") as source:
        media_type = sniff_media_type(source.read(SNIFF_BYTES))
    if media_type is None or media_type not in C2PA_FORMATS:
        return None
    material = ensure_signing_material(settings.keys_dir)
    return read_manifest_isolated(path, media_type, material.root_pem)


def _work_ids(licence: dict[str, Any]) -> list[str]:
    works = licence.get("works") or []
    return [str(w["id"]) for w in works if isinstance(w, dict) and w.get("id")]


def judge(session: Session, check: MediaCheck | None, facts: UploadFacts) -> LicenceEvidence:
    """What the file's licence is worth for this upload."""
    if check is None or not check.has_manifest or check.licence is None:
        return LicenceEvidence("no_manifest", problems=tuple(check.problems if check else ()))
    licence_id = str(check.licence.get("licence_id") or "")[:40] or None
    problems = tuple(check.problems)
    if not check.intact:
        return LicenceEvidence("tampered", licence_id, problems=problems)
    if not check.trusted:
        return LicenceEvidence("untrusted", licence_id, problems=problems)
    lic = session.get(License, licence_id) if licence_id else None
    if lic is None:
        return LicenceEvidence("unknown_licence", licence_id,
                               problems=(f"licence {licence_id} was not issued here",))
    if facts.uploader_party_id is not None and facts.uploader_party_id != lic.licensee_id:
        return LicenceEvidence("not_covering", lic.id, lic.licensee_id, problems=(
            "the licence is held by another party than the uploader",))
    covered = tuple(
        work_id for work_id in _work_ids(check.licence)
        if lic.id in grants_repository.covering(session, CoverageQuestion(
            work_id, lic.licensee_id, facts.channel, facts.territory, facts.uploaded_on)))
    if not covered:
        return LicenceEvidence("not_covering", lic.id, lic.licensee_id, problems=(
            f"licence {lic.id} ({lic.status}) does not cover {facts.channel} in "
            f"{facts.territory} on {facts.uploaded_on.isoformat()}",))
    return LicenceEvidence("licensed", lic.id, lic.licensee_id, covered)
