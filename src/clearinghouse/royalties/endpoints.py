"""Royalty runs, statements and payouts.

The operator runs (as a job), closes and pays out a period; a holder reads its own statements
and payouts, a licensee or platform the statement lines of its own licences; a statement line's
trail leads back to the usage behind it. Lines nobody may see are a 404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse

from clearinghouse.api.auth import OperatorCaller
from clearinghouse.api.deps import DB, Caller, Limit, Offset, RefParam
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import NotFound
from clearinghouse.core.jobs.schemas import JobOut
from clearinghouse.core.schemas import Page
from clearinghouse.royalties import payout_records, payouts_service, runs_service, statements
from clearinghouse.royalties.run_job import start_run
from clearinghouse.royalties.schemas import (
    PayoutOut,
    PayoutRecordOut,
    PayoutSent,
    PeriodOut,
    RunOut,
    StatementLineOut,
    TrailOut,
    payout_out,
    payout_record_out,
    period_out,
    run_out,
)
from clearinghouse.royalties.statement_pdf import render_statement_pdf
from clearinghouse.royalties.tables import RoyaltyRun
from clearinghouse.usage.lake import Lake

router = APIRouter(prefix="/api/v1", tags=["royalties"])
PeriodPath = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM")]
PeriodQuery = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM")]
CSV_RESPONSE: dict[int | str, dict[str, object]] = {200: {
    "content": {"text/csv": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The statement lines (JSON), CSV with `format=csv`, a PDF with `format=pdf`"}}


@router.post("/royalties/periods/{period}/run", response_model=JobOut, status_code=202,
             responses=WRITE)
def run_period(request: Request, response: Response, caller: OperatorCaller,
               period: PeriodPath,
               engine: Annotated[Literal["duckdb", "spark"], Query(
                   description="duckdb (embedded, the default) or spark")] = "duckdb") -> JobOut:
    """Operator: run a period (match, rate, post, state) as a job; poll `GET /api/v1/jobs/{id}`
    (the `Location` header): its `result` names the run. Running an open period again reverses
    the previous run's entries and replaces its statement lines; a closed period is a 409."""
    out = start_run(request.app.state, caller, period, engine)
    response.headers["Location"] = f"/api/v1/jobs/{out.id}"
    return out


@router.post("/royalties/periods/{period}/close", response_model=PeriodOut, responses=WRITE)
def close_period(request: Request, caller: OperatorCaller, period: PeriodPath) -> PeriodOut:
    """Operator: close a period that has been run. Its statements are final: no further run and
    no new usage report for it (both a 409)."""
    with unit_of_work(request.app.state.sessions) as session:
        return period_out(runs_service.close_period(session, period, caller))


@router.get("/royalties/runs/{run_id}", response_model=RunOut, responses=AUTHED)
def get_run(db: DB, caller: Caller, run_id: str) -> RunOut:
    """Operator: one run, its inputs (report ids and hashes) and counts."""
    run = db.get(RoyaltyRun, run_id)
    if run is None or not caller.is_operator:
        raise NotFound(f"run {run_id} not found", field="run_id")
    return run_out(run)


@router.get("/statements", response_model=list[StatementLineOut], responses=AUTHED | CSV_RESPONSE)
def list_statements(
    db: DB, caller: Caller, period: PeriodQuery,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",
    party_id: RefParam | None = None,
) -> list[StatementLineOut] | Response:
    """A period's statement lines (its current run): a holder its own, by work, platform,
    territory and licence; a licensee or platform those of its licences; the operator all (or
    one party's with `party_id`). A period not yet run is a 404."""
    lines = statements.lines_for(db, caller, period, party_id)
    if format == "csv":
        return PlainTextResponse(statements.as_csv(lines), media_type="text/csv")
    if format == "pdf":
        pdf = render_statement_pdf(period, party_id or caller.party_id, lines)
        return Response(pdf, media_type="application/pdf")
    return [StatementLineOut(**statements.row(ln)) for ln in lines]


@router.get("/statements/lines/{line_id}/trail", response_model=TrailOut, responses=AUTHED)
def line_trail(request: Request, db: DB, caller: Caller, line_id: str, offset: Offset = 0,
               limit: Limit = 50) -> TrailOut:
    """How a statement line was computed and the usage lines behind it (a page at a time)."""
    lake = Lake(request.app.state.settings.lake_dir)
    return TrailOut.model_validate(statements.trail(db, caller, lake, line_id, offset, limit))


@router.get("/payouts", response_model=list[PayoutOut], responses=AUTHED)
def list_payouts(request: Request, db: DB, caller: Caller, period: PeriodQuery,
                 party_id: RefParam | None = None) -> list[PayoutOut]:
    """What each holder would be paid for the period from its earnings now: in its chosen
    currency, against that currency's threshold (under it: carried forward). A holder sees its
    own; the operator everyone's (or one party's)."""
    who = party_id if caller.is_operator else caller.party_id
    thresholds = request.app.state.settings.payout_thresholds
    return [payout_out(p) for p in payouts_service.decide(db, period, thresholds, who)]


@router.post("/payouts", response_model=list[PayoutOut], responses=WRITE)
def post_payouts(request: Request, caller: OperatorCaller, period: PeriodQuery) -> list[PayoutOut]:
    """Operator: post the period's payouts (earnings over the threshold move to `payable_out`)."""
    with unit_of_work(request.app.state.sessions) as session:
        thresholds = request.app.state.settings.payout_thresholds
        return [payout_out(p) for p in payouts_service.post(session, caller, period, thresholds)]




@router.get("/payouts/posted", response_model=Page[PayoutRecordOut], responses=AUTHED)
def posted_payouts(
    db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 50,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$",
                                        description="Only this month, YYYY-MM")] = None,
    status: Annotated[Literal["due", "sent"] | None, Query(
        description="due (posted, not yet sent) or sent")] = None,
    party_id: RefParam | None = None,
) -> Page[PayoutRecordOut]:
    """Payouts posted so far, newest period first, with their status: a holder its own, the
    operator everyone's (or one party's)."""
    rows, total = payout_records.visible(db, caller, party_id=party_id, period=period,
                                         status=status, offset=offset, limit=limit)
    return Page(items=[payout_record_out(r) for r in rows], total=total, offset=offset,
                limit=limit)


@router.post("/payouts/{payout_id}/sent", response_model=PayoutRecordOut, responses=WRITE)
def mark_payout_sent(db: DB, caller: OperatorCaller, payout_id: str,
                     body: PayoutSent) -> PayoutRecordOut:
    """Operator: the transfer of a posted payout left, with its reference and day. Once: a
    payout already sent is a 409 and is not changed. Posts `payout.sent` to the ledger."""
    return payout_record_out(payout_records.mark_sent(db, caller, payout_id, body.reference,
                                                      body.sent_on))
