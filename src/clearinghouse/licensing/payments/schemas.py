"""The API view of reconciliation: payments waiting for money, and what a statement's rows paid."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from clearinghouse.core.money_schemas import MoneyOut
from clearinghouse.licensing.payments import matching
from clearinghouse.licensing.payments.repository import PendingPayment
from clearinghouse.licensing.payments.service import Reconciliation

RowResult = Literal["matched", "unmatched", "ambiguous", "amount_mismatch", "already_paid",
                    "not_payable", "duplicate"]


class PendingPaymentOut(BaseModel):
    id: str
    reference: str = Field(description="Our reference, which the payer quotes on the transfer")
    license_id: str
    payer_name: str
    amount: MoneyOut
    created_at: datetime


class StatementRowOut(BaseModel):
    line: int = Field(description="The row's line in the file (the header is line 1)")
    date: date
    amount: MoneyOut
    remark: str
    payer: str
    result: RowResult = Field(description="matched: pays the payment (marked paid with `confirm`); "
                              "anything else confirms nothing, `reason` says why")
    reason: str
    payment_id: str | None
    license_id: str | None


class ReconciliationOut(BaseModel):
    confirmed: bool = Field(description="false: a preview, nothing was written")
    matched: int
    rows: list[StatementRowOut]


def pending_out(p: PendingPayment) -> PendingPaymentOut:
    return PendingPaymentOut(id=p.id, reference=p.reference, license_id=p.license_id,
                             payer_name=p.payer_name, amount=MoneyOut.of(p.currency, p.amount_minor),
                             created_at=p.created_at)


def reconciliation_out(result: Reconciliation) -> ReconciliationOut:
    rows = [StatementRowOut(line=o.row.line, date=o.row.on,
                            amount=MoneyOut.of(o.row.amount.currency, o.row.amount.minor),
                            remark=o.row.remark, payer=o.row.payer, result=o.result,  # type: ignore[arg-type]
                            reason=o.reason, payment_id=o.payment.id if o.payment else None,
                            license_id=o.payment.license_id if o.payment else None)
            for o in result.outcomes]
    return ReconciliationOut(confirmed=result.confirmed,
                             matched=sum(o.result == matching.MATCHED for o in result.outcomes), rows=rows)
