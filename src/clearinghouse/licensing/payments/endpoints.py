"""REST endpoints of reconciliation (operator only): payments waiting for money, and a bank
statement (CSV) matched to them, previewed or confirmed. The same service as /operator/payments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from clearinghouse.api.auth import OperatorCaller
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.payments import service as reconciliation
from clearinghouse.licensing.payments.schemas import (
    PendingPaymentOut,
    ReconciliationOut,
    pending_out,
    reconciliation_out,
)
from clearinghouse.licensing.payments.statement import read_statement

router = APIRouter(prefix="/api/v1", tags=["payments"])
STATEMENT_BODY: dict[str, Any] = {"required": True, "content": {"text/csv": {"schema": {
    "type": "string", "description": "Columns date, amount, currency, remark, payer (or 交易日期, "
    "金额, 币种, 摘要, 付款人); UTF-8 or GB18030; at most 512 KiB and 5000 rows"}}}}


@router.get("/payments", response_model=list[PendingPaymentOut], responses=AUTHED)
def pending_payments(db: DB, caller: OperatorCaller) -> list[PendingPaymentOut]:
    """Operator: payments started and not yet paid (the oldest 200), oldest first."""
    return [pending_out(p) for p in reconciliation.pending(db, caller)]


@router.post("/payments/reconcile", response_model=ReconciliationOut, responses=WRITE,
             openapi_extra={"requestBody": STATEMENT_BODY})
async def reconcile_statement(
    request: Request,
    caller: OperatorCaller,
    confirm: Annotated[bool, Query(description="Mark the matched payments paid; without it, "
                                   "only say what would match")] = False,
) -> ReconciliationOut:
    """Operator: each row of a bank statement matched to a payment by our reference in its remark
    and the exact amount and currency. The whole statement is checked first (a bad row: 422,
    nothing written); a payment already paid is listed as `already_paid`, never paid twice."""
    raw = await request.body()

    def run() -> ReconciliationOut:
        rows = read_statement(raw)
        factory = write_sessions(request) if confirm else request.app.state.read_sessions
        with unit_of_work(factory) as session:
            return reconciliation_out(reconciliation.reconcile(session, caller, rows, confirm=confirm))

    return await run_in_threadpool(run)
