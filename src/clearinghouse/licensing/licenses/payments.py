"""Payments: a small provider interface, the built-in bank-transfer provider, and what paying does.

A provider starts a payment (tells the payer how to pay) and confirms it (records the provider's
proof). The clearinghouse owns the rest: on `paid` the license becomes active and the ledger
records the sale; on `cancelled` an unpaid license is revoked for non-payment.

    pending --confirm--> paid
        \\--cancel----> cancelled
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.money import Money
from clearinghouse.core.settings import Settings
from clearinghouse.core.versioning import check_version
from clearinghouse.ledger import domain as ledger
from clearinghouse.ledger import service as ledger_service
from clearinghouse.licensing.licenses import payouts, repository
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.payment_rows import PAID, PENDING, cancel_row
from clearinghouse.licensing.licenses.reasons import ReasonCode
from clearinghouse.licensing.licenses.tables import License, Payment

# What the demo writes as the bank's reference when it settles a payment at once (checkout.py);
# the licence page tells the licensee so by it.
DEMO_REFERENCE = "demo: settled at once"


@dataclass(frozen=True)
class BankAccount:
    """Our clearing account, from the settings: where a licensee transfers the money."""

    holder: str
    bank: str
    number: str

    @classmethod
    def of(cls, settings: Settings) -> BankAccount:
        return cls(settings.bank_account_name, settings.bank_name, settings.bank_account_number)


def settled_by_demo(payment: Payment | None) -> bool:
    return bool(payment and (payment.provider_reference or "").startswith(DEMO_REFERENCE))


class PaymentProvider(Protocol):
    name: str

    def start(self, payment: Payment) -> dict[str, Any]:
        """How the payer pays: shown to the licensee, stored with the payment."""
        ...

    def confirm(self, payment: Payment, reference: str) -> None:
        """Accept the provider's proof of payment (a bank reference, a charge id) or raise."""
        ...


class ManualBankTransfer:
    """The licensee transfers the money quoting our reference; the operator marks it paid."""

    name = "manual"

    def start(self, payment: Payment) -> dict[str, Any]:
        amount = Money(payment.currency, payment.amount_minor)
        return {
            "method": "bank_transfer",
            "reference": payment.reference,
            "amount": {
                "currency": amount.currency,
                "minor": amount.minor,
                "display": amount.format("en"),
            },
            "payee": "Clearinghouse clearing account",
            "en": f"Transfer {amount.format('en')} to the clearinghouse clearing account and quote "
            f"{payment.reference} as the payment reference. The license becomes active when the "
            "operator has matched your transfer.",
            "zh": f"请向结算账户转账 {amount.format('zh_CN')}，并在附言中注明 {payment.reference}。"
            "运营方确认到账后，许可即生效。",
        }

    def confirm(self, payment: Payment, reference: str) -> None:
        if not reference.strip():
            raise ValidationFailed("give the bank's reference of the transfer", field="reference")


PROVIDERS: dict[str, PaymentProvider] = {"manual": ManualBankTransfer()}


def provider(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ValidationFailed(
            f"unknown payment provider {name!r}; known: {', '.join(PROVIDERS)}", field="provider"
        ) from None


def _transfer_reference() -> str:
    # Short enough to type into a bank form, random enough not to collide (40 bits, unique index).
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "CH" + "".join(secrets.choice(alphabet) for _ in range(10))


def start_payment(
    session: Session, principal: Principal | None, lic: License, provider_name: str = "manual"
) -> Payment:
    chosen = provider(provider_name)
    payment = Payment(
        id=new_id("pay"),
        license_id=lic.id,
        payer_id=lic.licensee_id,
        provider=chosen.name,
        status=PENDING,
        currency=lic.currency,
        amount_minor=lic.total_minor,
        reference=_transfer_reference(),
        instructions={},
    )
    payment.instructions = chosen.start(payment)
    session.add(payment)
    session.flush()
    record(session, principal, "payment.start", "payment", payment.id, None, snapshot(payment))
    return payment


def get_payment(
    session: Session, principal: Principal, payment_id: str, *, for_update: bool = False
) -> Payment:
    payment = repository.get_payment(session, payment_id, for_update=for_update)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found", field="payment_id")
    if not (principal.is_operator or payment.payer_id == principal.party_id):
        raise Forbidden("this payment is not yours", field="payment_id")
    return payment


def mark_paid(
    session: Session,
    principal: Principal,
    payment_id: str,
    reference: str,
    version: int | None = None,
) -> Payment:
    """Operator: the money arrived. The license becomes active and the ledger records the sale."""
    if not principal.is_operator:
        raise Forbidden("only the operator marks a payment paid")
    payment = get_payment(session, principal, payment_id, for_update=True)
    if version is not None:
        check_version(payment.version, version)
    if payment.status != PENDING:
        raise Conflict(
            f"payment {payment.id} is already {payment.status}",
            field="payment_id",
            details={"status": payment.status},
        )
    lic = licenses.load(session, payment.license_id, for_update=True)
    if lic.status != licenses.PENDING:
        raise Conflict(
            f"license {lic.id} is {lic.status}; it no longer waits for payment", field="payment_id"
        )
    provider(payment.provider).confirm(payment, reference)
    before = snapshot(payment)
    payment.status, payment.provider_reference, payment.paid_at = PAID, reference.strip(), utcnow()
    payment.touch()
    session.flush()
    record(session, principal, "payment.paid", "payment", payment.id, before, snapshot(payment))
    post_sale(session, principal, lic, payment)
    licenses.transition(
        session, principal, lic, licenses.ACTIVE, "activate", f"payment {payment.id} received"
    )
    licenses.settle_expiry(session, lic)
    return payment


def post_sale(
    session: Session, principal: Principal | None, lic: License, payment: Payment
) -> None:
    """Charge the licensee, credit each holder its net per line and the operator its fees;
    then settle the charge with the payment, and convert the earnings of holders paid in
    another currency (`payouts`). Every entry carries the licence id."""
    priced = [
        ledger.PricedLine(
            line.holder_id, line.upfront_converted_minor, line.owner_fee_minor, line.id
        )
        for line in lic.lines
    ]
    lines = ledger.sale_lines(lic.licensee_fee_minor, priced)
    charge = ledger.license_charge(
        lic.licensee_id, lic.currency, lic.total_minor, lines, f"license {lic.id}", lic.id
    )
    ledger_service.post(session, charge, subject=("license", lic.id), actor=principal)
    received = ledger.payment_received(
        lic.licensee_id,
        lic.currency,
        payment.amount_minor,
        f"payment {payment.id} ({payment.reference})",
        lic.id,
    )
    ledger_service.post(session, received, subject=("payment", payment.id), actor=principal)
    paid_on = (payment.paid_at or utcnow()).date()
    payouts.post_conversions(session, principal, lic, lines, paid_on)


def cancel(
    session: Session,
    principal: Principal,
    payment_id: str,
    reason: str | None,
    version: int | None = None,
) -> Payment:
    """Operator: the money never came. The unpaid license is revoked for non-payment."""
    if not principal.is_operator:
        raise Forbidden("only the operator cancels a payment")
    text = (reason or "").strip() or "not paid"
    payment = get_payment(session, principal, payment_id, for_update=True)
    if version is not None:
        check_version(payment.version, version)
    if payment.status != PENDING:
        raise Conflict(f"payment {payment.id} is already {payment.status}", field="payment_id")
    cancel_row(session, principal, payment, text)
    lic = licenses.load(session, payment.license_id, for_update=True)
    if lic.status == licenses.PENDING:
        licenses.transition(
            session,
            principal,
            lic,
            licenses.REVOKED,
            "revoke",
            f"non-payment: {text}",
            ReasonCode.NON_PAYMENT,
        )
    return payment
