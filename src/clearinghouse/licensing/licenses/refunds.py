"""The refund of a revoked licence: its sale is reversed in the ledger and what the licensee
paid is owed back to it.

Whether a revocation refunds is the operator's decision; by default it follows the reason (a
licence issued in error, lost to a rights dispute or withdrawn at the holder's request is
refunded; fraud and non-payment are not). Only the sale is reversed (the charge and the
holders' currency conversions, the entries whose subject is the licence): royalties posted for
use while the licence stood stay as they are, and the rerun of a royalty period reverses its
own entries. A holder already paid its share ends with negative earnings, recovered from its
next earnings before anything is paid out again.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.ledger import domain as ledger
from clearinghouse.ledger import repository as ledger_repository
from clearinghouse.ledger import service as ledger_service
from clearinghouse.licensing.licenses import repository
from clearinghouse.licensing.licenses.payment_rows import PAID
from clearinghouse.licensing.licenses.reasons import ReasonCode
from clearinghouse.licensing.licenses.tables import License

REFUNDED_BY_DEFAULT = frozenset(
    {ReasonCode.ERROR, ReasonCode.RIGHTS_DISPUTE, ReasonCode.OWNER_REQUEST})


def refunds_by_default(code: ReasonCode) -> bool:
    return code in REFUNDED_BY_DEFAULT


def refund(session: Session, principal: Principal, lic: License) -> dict[str, int]:
    """Reverse the licence's sale and owe the licensee what it paid; the amounts owed back in
    minor units per currency (empty when nothing was paid)."""
    memo = f"refund of revoked license {lic.id}"
    for entry in reversed(ledger_repository.entries_of_subject(session, "license", lic.id)):
        if entry.kind == "refund.due" or entry.reverses_id is not None:
            continue
        if ledger_repository.reversal_id_of(session, entry.id) is None:
            ledger_service.reverse(session, principal, entry.id, memo)
    paid: dict[str, int] = defaultdict(int)
    for payment in repository.payments_of_license(session, lic.id):
        if payment.status == PAID:
            paid[lic.currency] += payment.amount_minor
    for currency, amount in sorted(paid.items()):
        if amount:
            ledger_service.post(session, ledger.refund_due(lic.licensee_id, currency, amount,
                                                           memo, lic.id),
                                subject=("license", lic.id), actor=principal)
    return {c: a for c, a in paid.items() if a}
