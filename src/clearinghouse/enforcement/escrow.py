"""Earnings of monetised uploads, in the ledger. The platform reports what an upload earned; it
owes that (`platform:<id>:earnings_due`) and the owner earns it (`holder:<id>:earnings`), except
while a dispute is open: then it is held in `escrow:<claim id>` and released, once, to whoever
wins (the owner's earnings, or the uploader's: `uploader:<id>:earnings`; an uploader the
clearinghouse does not know is paid through its platform, whose debt the release cancels)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, ValidationFailed
from clearinghouse.core.money import Money, MoneyError
from clearinghouse.enforcement import repository
from clearinghouse.enforcement.domain import (
    ClaimStatus,
    DisputeStatus,
    Policy,
    Side,
    earnings_destination,
)
from clearinghouse.enforcement.sides import Seat, log, visible_claim
from clearinghouse.enforcement.tables import ContentClaim
from clearinghouse.ledger import domain as ledger
from clearinghouse.ledger import service as ledger_service

MAX_EARNINGS_MINOR = 10**12  # one report of one upload; anything larger is a mistake


def _minor(currency: str, amount: str) -> int:
    try:
        minor = Money.from_decimal(currency, Decimal(amount)).minor
    except (MoneyError, ArithmeticError) as err:
        raise ValidationFailed(str(err), field="amount") from None
    if not 0 < minor <= MAX_EARNINGS_MINOR:
        raise ValidationFailed("state an amount above zero and below 10^12 minor units",
                               field="amount")
    return minor


def report_earnings(session: Session, principal: Principal, claim_id: str, *, amount: str,
                    currency: str, note: str | None = None) -> str:
    """The claim's platform reports what the upload earned; where it went (owner | escrow)."""
    claim, seats = visible_claim(session, principal, claim_id, for_update=True)
    if Seat.PLATFORM not in seats or not principal.has(Role.PLATFORM):
        raise Forbidden("only the platform the upload is on reports its earnings",
                        field="claim_id")
    if claim.policy != Policy.MONETISE:
        raise Conflict("the owner does not monetise this upload: its earnings stay yours",
                       field="claim_id")
    dispute = repository.dispute_of(session, claim.id)
    where = earnings_destination(ClaimStatus(claim.status),
                                 DisputeStatus(dispute.status) if dispute else None)
    if where == "uploader":
        raise Conflict(f"the claim is {claim.status}: the upload's earnings are no longer the "
                       "owner's", field="claim_id")
    minor = _minor(currency, amount)
    to = ledger.claim_escrow(claim.id) if where == "escrow" else ledger.holder_earnings(
        claim.owner_id)
    ledger_service.post(session, ledger.Entry(
        f"claim.earnings_{where}", (
            ledger.debit(ledger.platform_earnings_due(principal.party_id), currency, minor),
            ledger.credit(to, currency, minor)),
        memo=f"earnings of upload {claim.upload_ref} (claim {claim.id})"),
        subject=("content_claim", claim.id), actor=principal)
    log(session, principal, claim, Seat.PLATFORM, f"earnings_{where}", note,
        amount_minor=minor, currency=currency)
    claim.updated_at = utcnow()
    return where


def held(session: Session, claim_id: str) -> dict[str, int]:
    """What the claim's escrow holds, per currency (credit-normal: positive while held)."""
    currencies = {e.currency for e in repository.events_of(session, claim_id) if e.currency}
    account = ledger.claim_escrow(claim_id)
    out = {c: -ledger_service.raw_balance(session, account, c) for c in sorted(currencies)}
    return {c: v for c, v in out.items() if v}


def release(session: Session, principal: Principal | None, claim: ContentClaim,
            winner: Side) -> None:
    """Everything the escrow holds, to the winner: one balanced entry per currency."""
    for currency, minor in held(session, claim.id).items():
        if winner is Side.OWNER:
            to = ledger.holder_earnings(claim.owner_id)
        elif claim.uploader_id is not None:
            to = ledger.uploader_earnings(claim.uploader_id)
        else:
            assert claim.platform_id is not None  # an upload names one or the other
            to = ledger.platform_earnings_due(claim.platform_id)
        ledger_service.post(session, ledger.Entry(
            f"claim.escrow_to_{winner.value}", (
                ledger.debit(ledger.claim_escrow(claim.id), currency, minor),
                ledger.credit(to, currency, minor)),
            memo=f"escrow of claim {claim.id} released to the {winner.value}"),
            subject=("content_claim", claim.id), actor=principal)
        log(session, principal, claim, Seat.SYSTEM, f"escrow_to_{winner.value}",
            amount_minor=minor, currency=currency)
