"""The pro-forma invoice of a licence: what the licensee is asked to pay, by whom, into which account.

Everything comes from the stored licence (its lines and totals, fixed when it was bought) and its
latest payment; nothing is re-priced. Amounts stay integer minor units until drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.licenses import payments
from clearinghouse.licensing.licenses import repository as licence_rows
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.registry import parties_service


@dataclass(frozen=True)
class InvoiceLine:
    work_title: str
    right: str
    holder_name: str
    share_ppm: int
    amount_minor: int  # in the invoice's currency
    offer_currency: str
    offer_amount_minor: int  # in the offer's own currency, shown when it differs


@dataclass(frozen=True)
class Invoice:
    number: str
    issued_on: date
    license_id: str
    seller_name: str
    buyer_name: str
    buyer_id: str
    currency: str
    lines: list[InvoiceLine]
    subtotal_minor: int
    licensee_fee_minor: int
    total_minor: int
    reference: str | None  # our transfer reference; None before a payment was started
    payment_status: str | None
    account: payments.BankAccount
    valid_from: date
    valid_to: date | None


def invoice_for(session: Session, principal: Principal, license_id: str, settings: Settings) -> Invoice:
    """The licensee of the licence and the operator only: holders see their share elsewhere."""
    lic = licenses.load(session, license_id)
    if not (principal.is_operator or lic.licensee_id == principal.party_id):
        raise Forbidden("only the licensee and the operator see a licence's invoice",
                        field="license_id")
    payment = licence_rows.latest_payments(session, [lic.id]).get(lic.id)
    seller = parties_service.get_party(session, licenses.operator_id(session))
    buyer = parties_service.get_party(session, lic.licensee_id)
    lines = [InvoiceLine(line.work_title, line.right, line.holder_name, line.share_ppm,
                         line.upfront_converted_minor, line.offer_currency, line.upfront_minor)
             for line in sorted(lic.lines, key=lambda x: x.position)]
    return Invoice(
        number=f"PF-{lic.id}", issued_on=utcnow().date(), license_id=lic.id, seller_name=seller.name,
        buyer_name=buyer.name, buyer_id=buyer.id, currency=lic.currency, lines=lines,
        subtotal_minor=lic.subtotal_minor, licensee_fee_minor=lic.licensee_fee_minor,
        total_minor=lic.total_minor, reference=payment.reference if payment else None,
        payment_status=payment.status if payment else None,
        account=payments.BankAccount.of(settings), valid_from=lic.valid_from, valid_to=lic.valid_to)
