"""Posted payouts as records: one per payout `payouts_service.post` pays, and marking one sent —
once, with the transfer's reference and day — which posts `payout.sent` (from `payable_out` to
`clearing:cash`). The amount is never edited; a mistake is corrected by reversing the ledger
entries, as everywhere in the ledger. Flush only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.ledger import service as ledger_service
from clearinghouse.ledger.royalty_entries import payout_sent
from clearinghouse.royalties import payouts_repository as repo
from clearinghouse.royalties.tables import RoyaltyPayout

SUBJECT = "royalty_payout"


def record_due(session: Session, period: str, party_id: str, currency: str, amount_minor: int,
               due_entry_id: str) -> RoyaltyPayout:
    return repo.add(session, RoyaltyPayout(
        id=new_id("pyo"), period=period, party_id=party_id, currency=currency,
        amount_minor=amount_minor, due_entry_id=due_entry_id))


def visible(session: Session, caller: Principal, *, party_id: str | None = None,
            period: str | None = None, status: str | None = None, offset: int = 0,
            limit: int = 50) -> tuple[Sequence[RoyaltyPayout], int]:
    """The operator's view of everyone's payouts (or one party's); anyone else sees its own."""
    who = party_id if caller.is_operator else caller.party_id
    return repo.page(session, party_id=who, period=period, status=status, offset=offset,
                     limit=limit)


def mark_sent(session: Session, actor: Principal, payout_id: str, reference: str,
              sent_on: date) -> RoyaltyPayout:
    """The transfer left: posted once. A payout already sent is a 409 and stays as it was."""
    payout = repo.get(session, payout_id, for_update=True)
    if payout is None:
        raise NotFound(f"payout {payout_id} not found", field="payout_id")
    if payout.sent_at is not None:
        raise Conflict(f"payout {payout_id} was already marked sent on {payout.sent_on} "
                       f"({payout.sent_reference}); a sent payout cannot be changed",
                       field="payout_id")
    reference = reference.strip()
    if not reference:
        raise ValidationFailed("the transfer's reference is required", field="reference")
    if sent_on > utcnow().date():
        raise ValidationFailed("a payout cannot be sent on a day still to come", field="sent_on")
    entry = ledger_service.post(session, payout_sent(
        payout.party_id, payout.currency, payout.amount_minor,
        f"payout {payout.period} sent: {reference}"), subject=(SUBJECT, payout.id), actor=actor)
    payout.sent_reference, payout.sent_on = reference, sent_on
    payout.sent_at, payout.sent_by_id, payout.sent_entry_id = utcnow(), actor.party_id, entry.id
    session.flush()
    record(session, actor, "royalties.payout_sent", SUBJECT, payout.id, None,
           {"reference": reference, "sent_on": sent_on.isoformat(), "entry_id": entry.id})
    return payout
