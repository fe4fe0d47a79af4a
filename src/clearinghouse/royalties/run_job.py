"""A period's run as a job: one transaction, so a run that fails or dies leaves nothing (the
previous run stays current) and the job is simply marked failed; nothing to recover."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearinghouse.access.domain import Principal
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs.runner import JobContext
from clearinghouse.royalties import runs_service
from clearinghouse.usage.lake import Lake

KIND = "royalties.run"


@dataclass(frozen=True)
class RunRequest:
    period: str
    engine: str
    lake_root: Path
    actor: Principal


def run_royalties(ctx: JobContext, request: RunRequest) -> dict[str, Any]:
    ctx.progress(0, 1, "running")
    with unit_of_work(ctx.sessions) as session:
        run = runs_service.run_period(session, Lake(request.lake_root), request.period,
                                      engine=request.engine, actor=request.actor)
        result = {"run_id": run.id, "period": run.period, "counts": dict(run.counts)}
    ctx.progress(1, 1, "done")
    return result
