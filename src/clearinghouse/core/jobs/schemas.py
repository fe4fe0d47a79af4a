"""The job as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from clearinghouse.core.jobs.tables import Job


class JobProgress(BaseModel):
    done: int = Field(description="Steps done so far (for an import: rows checked, then written)")
    total: int | None = Field(description="Steps in all, when known")
    stage: str | None = Field(description="What the job is doing now, e.g. `checking`, `writing`")


class JobOut(BaseModel):
    id: str
    kind: str = Field(description="What the job does, e.g. `works.import`")
    owner_party_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: JobProgress
    result: dict[str, Any] | None = Field(
        description="When succeeded: the job's result (for `works.import`, the import report)")
    error: str | None = Field(description="When failed: why, in words")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id, kind=job.kind, owner_party_id=job.owner_party_id,
        status=job.status,  # type: ignore[arg-type]
        progress=JobProgress(done=job.progress_done, total=job.progress_total, stage=job.stage),
        result=job.result, error=job.error, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at,
    )
