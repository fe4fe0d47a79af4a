"""Who stands where on a claim: the owner's side (a holder or manager of the work, or its agent),
the uploader's side (the uploader, or its platform acting for it), the operator (neutral: it
decides escalated disputes and sees everything, but is never the owner). Anyone else is told the
claim does not exist (404), as for an id nobody has."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound
from clearinghouse.enforcement import repository
from clearinghouse.enforcement.tables import ClaimEvent, ContentClaim
from clearinghouse.registry import repository as registry
from clearinghouse.registry.management import managers_of


class Seat(StrEnum):
    OWNER = "owner"
    UPLOADER = "uploader"
    PLATFORM = "platform"
    OPERATOR = "operator"
    SYSTEM = "system"  # a deadline passing


def seats_of(session: Session, principal: Principal, claim: ContentClaim) -> set[Seat]:
    seats: set[Seat] = set()
    if principal.is_operator:
        seats.add(Seat.OPERATOR)
        return seats  # the referee takes no side
    if principal.party_id == claim.uploader_id:
        seats.add(Seat.UPLOADER)
    if principal.party_id == claim.platform_id:
        seats.add(Seat.PLATFORM)
    work = registry.get_work(session, claim.work_id)
    if work is not None and (
            managers_of(session, work).manages(principal)
            or any(h.holder_id == principal.party_id
                   for h in registry.holdings_of_work(session, work.id))):
        seats.add(Seat.OWNER)
    return seats


def visible_claim(session: Session, principal: Principal, claim_id: str, *,
                  for_update: bool = False) -> tuple[ContentClaim, set[Seat]]:
    claim = repository.claim(session, claim_id, for_update=for_update)
    seats = seats_of(session, principal, claim) if claim is not None else set()
    if claim is None or not seats:
        raise NotFound(f"claim {claim_id} not found", field="claim_id")
    return claim, seats


def managing_owner(session: Session, principal: Principal, claim: ContentClaim) -> None:
    """Owner's steps need management of the work (a co-holder that does not manage only reads)."""
    work = registry.get_work(session, claim.work_id)
    if principal.is_operator or work is None or not managers_of(session, work).manages(principal):
        raise Forbidden("only the work's owner (a manager of the work, or its agent) takes this "
                        "step", field="claim_id")


def uploader_side(seats: set[Seat]) -> None:
    if not seats & {Seat.UPLOADER, Seat.PLATFORM}:
        raise Forbidden("only the uploader, or its platform on its behalf, takes this step",
                        field="claim_id")


def log(session: Session, principal: Principal | None, claim: ContentClaim, seat: Seat,
        event: str, note: str | None = None, *, amount_minor: int | None = None,
        currency: str | None = None) -> None:
    """One line of the claim's history, and the same in the audit log."""
    session.add(ClaimEvent(claim_id=claim.id, at=utcnow(),
                           actor_id=principal.party_id if principal else None, side=seat.value,
                           event=event, note=note, amount_minor=amount_minor, currency=currency))
    session.flush()
    record(session, principal, f"claim.{event}", "content_claim", claim.id, None,
           {"status": claim.status, "note": note})


def acting_seat(seats: set[Seat], *preferred: Seat) -> Seat:
    return next((s for s in preferred if s in seats), next(iter(sorted(seats))))
