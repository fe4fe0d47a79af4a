"""A payment's states and its cancellation: what both payments and a licence's revocation write.

Below `service` (revoking an unpaid licence cancels its payment) and `payments` (which calls the
licence service), so neither imports the other in a function.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.licensing.licenses.tables import Payment

PENDING, PAID, CANCELLED = "pending", "paid", "cancelled"


def cancel_row(
    session: Session, principal: Principal | None, payment: Payment, reason: str
) -> Payment:
    before = snapshot(payment)
    payment.status, payment.cancelled_at, payment.cancel_reason = CANCELLED, utcnow(), reason
    payment.touch()
    session.flush()
    record(session, principal, "payment.cancel", "payment", payment.id, before, snapshot(payment))
    return payment

