"""GET /api/v1/jobs/{id}: a job's status, progress and result, for its owner or the operator."""

from __future__ import annotations

from fastapi import APIRouter

from clearinghouse.api.deps import DB, Caller
from clearinghouse.api.responses import AUTHED
from clearinghouse.core.jobs import service
from clearinghouse.core.jobs.schemas import JobOut, job_out

router = APIRouter(prefix="/api/v1")


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"], responses=AUTHED)
def get_job(job_id: str, db: DB, caller: Caller) -> JobOut:
    """A job started by you (the operator sees every job). Poll it until `status` is
    `succeeded` (see `result`) or `failed` (see `error`). Someone else's job is a 404."""
    return job_out(service.get_job(db, caller, job_id))
