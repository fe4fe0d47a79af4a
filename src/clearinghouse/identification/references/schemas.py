"""API shapes of reference media."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clearinghouse.identification.references.tables import MediaReference


class ReferenceOut(BaseModel):
    id: int
    work_id: str
    kind: Literal["audio", "video", "image"]
    duration_s: float = Field(description="Seconds; 0 for an image")
    sha256: str
    byte_size: int
    file_name: str | None
    status: Literal["indexed", "stored"] = Field(
        description="indexed: its fingerprints are searchable; stored: kept, not fingerprinted")
    audio_prints: int
    visual_prints: int
    added_by: str
    created_at: datetime


class ReferenceList(BaseModel):
    items: list[ReferenceOut]


def reference_out(ref: MediaReference) -> ReferenceOut:
    return ReferenceOut(id=ref.id, work_id=ref.work_id, kind=ref.kind,  # type: ignore[arg-type]
                        duration_s=ref.duration_s, sha256=ref.sha256, byte_size=ref.byte_size,
                        file_name=ref.file_name, status=ref.status,  # type: ignore[arg-type]
                        audio_prints=ref.audio_prints, visual_prints=ref.visual_prints,
                        added_by=ref.added_by_id, created_at=ref.created_at)
