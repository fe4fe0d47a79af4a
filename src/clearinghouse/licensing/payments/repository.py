"""SQL of reconciliation: payments by our references, and the payments waiting for money."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import Payment
from clearinghouse.registry.tables import Party


def payments_by_references(
    session: Session, references: Collection[str], *, for_update: bool = False
) -> Sequence[Payment]:
    if not references:
        return []
    query = select(Payment).where(Payment.reference.in_(sorted(references))).order_by(Payment.id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).all()


@dataclass(frozen=True)
class PendingPayment:
    id: str
    reference: str
    license_id: str
    payer_name: str
    currency: str
    amount_minor: int
    created_at: datetime


def pending_payments(session: Session, limit: int) -> list[PendingPayment]:
    """Oldest first: the longest wait is the first to chase."""
    rows = session.execute(
        select(Payment.id, Payment.reference, Payment.license_id, Party.name, Payment.currency,
               Payment.amount_minor, Payment.created_at)
        .join(Party, Party.id == Payment.payer_id)
        .where(Payment.status == "pending")
        .order_by(Payment.created_at, Payment.id)
        .limit(limit)
    ).all()
    return [PendingPayment(*row) for row in rows]
