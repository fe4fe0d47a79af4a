"""Buying from the web pages: quote the use as shown, buy it at the price shown, start paying.

The rules are the quote and purchase services'; this only strings them together in the order a
person meets them, and (the demo only) settles the payment at once so the licence runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.licenses import payments
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.tables import License, Payment
from clearinghouse.licensing.purchases import service as purchases
from clearinghouse.licensing.quotes import service as quotes
from clearinghouse.licensing.quotes.schemas import QuoteCreate
from clearinghouse.registry import parties_service

DEMO_REFERENCE = payments.DEMO_REFERENCE


@dataclass(frozen=True)
class Bought:
    license: License
    payment: Payment | None
    settled_by_demo: bool


def buy(session: Session, principal: Principal, use: QuoteCreate, expected_total_minor: int,
        accept_partial: bool, key: str, settings: Settings) -> Bought:
    """A quote for the use, bought in the same transaction; a repeated key buys nothing twice."""
    earlier = purchases.bought_with_key(session, principal, f"web:{key}")
    if earlier is not None:  # the form was sent twice: show what the first sending bought
        return Bought(earlier.license, earlier.payment, False)
    quote = quotes.create_quote(session, principal, use, settings.quote_valid_seconds)
    result = purchases.purchase(session, principal, purchases.PurchaseRequest(
        quote.id, accept_partial, expected_total_minor), f"web:{key}", settings)
    payment = result.payment
    settled = False
    if result.created and payment is not None and settings.demo_settles_payments:
        payment = settle_for_demo(session, payment)
        settled = True
    return Bought(result.license, payment, settled)


def buy_quote(session: Session, principal: Principal, quote_id: str, expected_total_minor: int,
              key: str, settings: Settings) -> Bought:
    """An existing quote (an agreed referral's) bought at the total shown."""
    result = purchases.purchase(session, principal, purchases.PurchaseRequest(
        quote_id, False, expected_total_minor), f"web:{key}", settings)
    payment, settled = result.payment, False
    if result.created and payment is not None and settings.demo_settles_payments:
        payment, settled = settle_for_demo(session, payment), True
    return Bought(result.license, payment, settled)


def settle_for_demo(session: Session, payment: Payment) -> Payment:
    """The demo has no bank: the operator 'receives' the transfer at once."""
    operator = parties_service.principal_for(
        session, parties_service.get_party(session, licenses.operator_id(session)))
    return payments.mark_paid(session, operator, payment.id, f"{DEMO_REFERENCE} ({payment.reference})")
