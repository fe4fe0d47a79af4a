"""Reconciliation: the operator's bank statement matched to our payments, and confirmed.

The statement is read and checked whole (statement.py) before this runs; matching is pure
(matching.py); confirming goes through payments.mark_paid, so a matched row does exactly what
marking the payment paid by hand does (licence active, sale in the ledger). Idempotent by
construction: a payment confirmed once is `already_paid` the next time its row is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.errors import Forbidden
from clearinghouse.core.money import Money
from clearinghouse.licensing.licenses import payments
from clearinghouse.licensing.payments import matching, repository
from clearinghouse.licensing.payments.statement import StatementRow

PENDING_SHOWN = 200


@dataclass(frozen=True)
class Reconciliation:
    outcomes: list[matching.Outcome]
    confirmed: bool  # False: a preview, nothing written

    @property
    def matched(self) -> list[matching.Outcome]:
        return [o for o in self.outcomes if o.result == matching.MATCHED]

    @property
    def not_matched(self) -> list[matching.Outcome]:
        return [o for o in self.outcomes if o.result != matching.MATCHED]


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise Forbidden("only the operator reconciles payments")


def pending(session: Session, principal: Principal) -> list[repository.PendingPayment]:
    _require_operator(principal)
    return repository.pending_payments(session, PENDING_SHOWN)


def reconcile(
    session: Session, principal: Principal, rows: list[StatementRow], *, confirm: bool
) -> Reconciliation:
    """What the statement pays; with `confirm`, mark those payments paid (the caller commits)."""
    _require_operator(principal)
    found = repository.payments_by_references(
        session, matching.wanted_references(rows), for_update=confirm)
    facts = {p.reference: matching.PaymentFacts(p.id, p.reference, p.license_id, p.status,
                                                Money(p.currency, p.amount_minor)) for p in found}
    outcomes = matching.classify(rows, facts)
    if confirm:
        for outcome in outcomes:
            if outcome.result == matching.MATCHED and outcome.payment is not None:
                payments.mark_paid(session, principal, outcome.payment.id, _bank_reference(outcome.row))
    return Reconciliation(outcomes, confirm)


def _bank_reference(row: StatementRow) -> str:
    payer = f" from {row.payer}" if row.payer else ""
    return f"statement {row.on.isoformat()} line {row.line}{payer}: {row.remark}"[:200]
