"""API shapes of identification: an upload's facts in, the works found and their outcome out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from clearinghouse.identification.uploads.domain import LicenceEvidence, WorkResult
from clearinghouse.identification.uploads.tables import UploadCheck


class MatchOut(BaseModel):
    """core/media_match.py MediaMatch: where the reference was found, and how sure."""

    reference_id: int
    kind: Literal["audio", "video", "image"]
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    score: float = Field(ge=0, le=1)
    false_match_rate: float = Field(description="Chance a non-matching upload scores this much")
    speed: float
    mirrored: bool


class WorkResultOut(BaseModel):
    work_id: str
    work_title: str
    outcome: Literal["licensed", "claimed", "below_threshold", "matched"] = Field(
        description="licensed: the upload's own licence covers this use, no claim; claimed: "
                    "enforcement made (or kept) a claim under the owner's policy; "
                    "below_threshold: too weak a match to act on; matched: found, with nobody "
                    "to claim against (no platform or uploader named)")
    match: MatchOut | None = Field(description="None when licensed by the file's manifest alone")
    licence_id: str | None
    claim_id: str | None
    policy: str | None


class LicenceCheckOut(BaseModel):
    verdict: Literal["no_manifest", "licensed", "tampered", "untrusted", "unknown_licence",
                     "not_covering"]
    licence_id: str | None
    covered_work_ids: list[str]
    problems: list[str]


class IdentificationOut(BaseModel):
    id: str
    upload_ref: str
    uploaded_on: date
    territory: str
    channel: str
    platform_party_id: str | None
    uploader_party_id: str | None
    file_sha256: str
    byte_size: int
    kind: Literal["audio", "video", "image"]
    duration_s: float
    licence: LicenceCheckOut
    works: list[WorkResultOut]
    created_at: datetime


def results_json(evidence: LicenceEvidence, works: list[WorkResult]) -> dict[str, Any]:
    """What an identification stored: plain JSON, read back by `identification_out`."""
    return {
        "licence": {"verdict": evidence.verdict, "licence_id": evidence.licence_id,
                    "covered_work_ids": list(evidence.covered_work_ids),
                    "problems": list(evidence.problems)},
        "works": [{"work_id": w.work_id, "work_title": w.work_title, "outcome": w.outcome,
                   "match": asdict(w.match) if w.match else None, "licence_id": w.licence_id,
                   "claim_id": w.claim_id, "policy": w.policy} for w in works],
    }


def identification_out(row: UploadCheck) -> IdentificationOut:
    results = row.results
    return IdentificationOut(
        id=row.id, upload_ref=row.upload_ref, uploaded_on=row.uploaded_on,
        territory=row.territory, channel=row.channel, platform_party_id=row.platform_party_id,
        uploader_party_id=row.uploader_party_id, file_sha256=row.file_sha256,
        byte_size=row.byte_size, kind=row.kind, duration_s=row.duration_s,  # type: ignore[arg-type]
        licence=LicenceCheckOut.model_validate(results["licence"]),
        works=[WorkResultOut.model_validate(w) for w in results["works"]],
        created_at=row.created_at)
