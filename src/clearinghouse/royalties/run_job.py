"""A period's run as a job: matching in a read transaction (it writes only the lake), then the
rating in one write transaction, so a run that fails or dies leaves no statement line or entry
(the previous run stays current) and the job is simply marked failed; nothing to recover. The
matched files are then the new run's; the trail of the current run's lines reads them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clearinghouse.access.domain import Principal
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import JobContext
from clearinghouse.core.jobs.schemas import JobOut, job_out
from clearinghouse.royalties import runs_service
from clearinghouse.royalties.periods import refuse_if_closed
from clearinghouse.usage.lake import Lake

KIND = "royalties.run"


@dataclass(frozen=True)
class RunRequest:
    period: str
    engine: str
    lake_root: Path
    actor: Principal


def run_royalties(ctx: JobContext, request: RunRequest) -> dict[str, Any]:
    lake = Lake(request.lake_root)
    ctx.progress(0, 2, "matching")
    with unit_of_work(ctx.read_sessions) as session:  # the long part: no write lock held
        matched = runs_service.match_period(session, lake, request.period, request.engine)
    ctx.progress(1, 2, "rating")
    with unit_of_work(ctx.sessions) as session:
        run = runs_service.run_period(session, lake, request.period, engine=request.engine,
                                      actor=request.actor, matched=matched)
        result = {"run_id": run.id, "period": run.period, "counts": dict(run.counts)}
    ctx.progress(2, 2, "done")
    return result


def start_run(app_state: Any, actor: Principal, period: str, engine: str = "duckdb") -> JobOut:
    """Submit and start a period's run as a job (the period checked open); the job as
    submitted. The operator's run endpoint and an accepted usage claim both start runs so."""

    runs_service.checked_period(period)
    with unit_of_work(app_state.sessions) as session:
        refuse_if_closed(session, period)
        job, _ = jobs.submit(session, kind=KIND, owner_party_id=actor.party_id, total=1)
        out = job_out(job)
    app_state.jobs.start(out.id, partial(run_royalties, request=RunRequest(
        period, engine, Lake(app_state.settings.lake_dir).root, actor)))
    return out
