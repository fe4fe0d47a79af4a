"""REST endpoints of quotes and referrals under /api/v1: state a use and get it priced, read your
quotes, and refer what no routine offer clears to its holder. (Buying a quote: licenses/.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal
from clearinghouse.api.auth import LicenseeCaller, QuoteRequesterCaller
from clearinghouse.api.deps import (
    DB,
    Caller,
    IfMatch,
    Limit,
    Offset,
    etag,
    in_transaction,
    read_sessions,
    write_sessions,
)
from clearinghouse.api.responses import AUTHED, UPDATE, WRITE, errors
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.schemas import Page
from clearinghouse.licensing.quotes import referrals as referrals_service
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.schemas import (
    MessageCreate,
    MessageOut,
    QuoteCreate,
    QuoteOut,
    ReferralCreate,
    ReferralOut,
    ReferralsFromQuote,
    ReferralStep,
    quote_out,
    referral_out,
)
from clearinghouse.licensing.tables import Referral

router = APIRouter(prefix="/api/v1")
GONE = errors(410)


def _valid_seconds(request: Request) -> int:
    return int(request.app.state.settings.quote_valid_seconds)


# -- quotes ---------------------------------------------------------------------------------------


@router.post("/quotes", response_model=QuoteOut, status_code=201, tags=["quotes"],
             responses=WRITE)
async def create_quote(caller: QuoteRequesterCaller, body: QuoteCreate, request: Request,
                       response: Response) -> QuoteOut:
    """State a use once; get every right and co-holder it needs, priced, and what is
    referral-only. The price holds until `expires_at`."""
    # A hot route: the whole of it in one trip through the thread pool.
    out = await in_transaction(read_sessions(request), _create_quote, caller, body,
                               write_sessions(request), _valid_seconds(request))
    response.headers["Location"] = f"/api/v1/quotes/{out.id}"
    return out


def _create_quote(read: Session, caller: Principal, body: QuoteCreate,
                  writes: sessionmaker[Session], valid_seconds: int) -> QuoteOut:
    priced = quotes_service.price_quote(read, caller, body)  # reads only: no write lock held
    with unit_of_work(writes) as db:
        quote = quotes_service.keep_quote(db, caller, priced, valid_seconds)
    hints = quotes_service.recordings_not_named(read, [quote])
    return quote_out(quote, quotes_service.effective_status(quote), hints[quote.id])


@router.get("/quotes", response_model=Page[QuoteOut], tags=["quotes"], responses=AUTHED)
def list_quotes(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 20,
                status: Annotated[str | None, Query(pattern="^(open|purchased|expired)$")] = None,
                ) -> Page[QuoteOut]:
    """Your quotes, newest first (the operator sees all)."""
    rows, total = quotes_service.list_quotes(db, caller, status=status, offset=offset, limit=limit)
    hints = quotes_service.recordings_not_named(db, rows)
    return Page(items=[quote_out(q, quotes_service.effective_status(q), hints[q.id]) for q in rows],
                total=total, offset=offset, limit=limit)


@router.get("/quotes/{quote_id}", response_model=QuoteOut, tags=["quotes"], responses=AUTHED)
def get_quote(db: DB, caller: Caller, quote_id: str, response: Response) -> QuoteOut:
    quote = quotes_service.get_quote(db, caller, quote_id)
    response.headers["ETag"] = etag(quote.version)
    hints = quotes_service.recordings_not_named(db, [quote])
    return quote_out(quote, quotes_service.effective_status(quote), hints[quote.id])


# -- referrals ------------------------------------------------------------------------------------


def _referral_out(db: DB, ref: Referral) -> ReferralOut:
    return referral_out(ref, referrals_service.messages_of(db, ref.id))


@router.post("/quotes/{quote_id}/referrals", response_model=list[ReferralOut], status_code=201,
             tags=["referrals"], responses=WRITE | GONE)
def refer_quote_parts(db: DB, caller: LicenseeCaller, quote_id: str,
                      body: ReferralsFromQuote) -> list[ReferralOut]:
    """Send the quote's unclearable parts (all a holder can settle, or those named) to their
    holders as referrals, with the use stated in the quote."""
    refs = referrals_service.refer_from_quote(db, caller, quote_id, body)
    return [_referral_out(db, r) for r in refs]


@router.post("/referrals", response_model=ReferralOut, status_code=201, tags=["referrals"],
             responses=WRITE)
def create_referral(db: DB, caller: LicenseeCaller, body: ReferralCreate) -> ReferralOut:
    """Ask a holder directly about one right in one work for a use."""
    return _referral_out(db, referrals_service.refer(db, caller, body))


@router.get("/referrals", response_model=Page[ReferralOut], tags=["referrals"], responses=AUTHED)
def list_referrals(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 20,
                   status: Annotated[str | None, Query(
                       pattern="^(open|countered|accepted|declined|withdrawn|purchased)$")] = None,
                   ) -> Page[ReferralOut]:
    """Referrals you sent or that were sent to you (or your principals)."""
    rows, total = referrals_service.list_referrals(db, caller, status=status, offset=offset,
                                                   limit=limit)
    return Page(items=[_referral_out(db, r) for r in rows], total=total, offset=offset,
                limit=limit)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, tags=["referrals"],
            responses=AUTHED)
def get_referral(db: DB, caller: Caller, referral_id: str, response: Response) -> ReferralOut:
    ref = referrals_service.get_referral(db, caller, referral_id)
    response.headers["ETag"] = etag(ref.version)
    return _referral_out(db, ref)


@router.post("/referrals/{referral_id}/messages", response_model=MessageOut, status_code=201,
             tags=["referrals"], responses=WRITE)
def post_message(db: DB, caller: Caller, referral_id: str, body: MessageCreate) -> MessageOut:
    msg = referrals_service.post_message(db, caller, referral_id, body.body)
    return MessageOut(id=msg.id, author_id=msg.author_id, kind=msg.kind, body=msg.body,
                      price=msg.price, at=msg.at)


@router.post("/referrals/{referral_id}/accept", response_model=ReferralOut, tags=["referrals"],
             responses=UPDATE)
def accept_referral(db: DB, caller: Caller, referral_id: str, body: ReferralStep,
                    if_match: IfMatch, request: Request) -> ReferralOut:
    """The holder accepts with a `price`; or the licensee accepts the holder's counter (no
    price). Either way a quote (`quote_id`) is created that can be purchased."""
    ref = referrals_service.accept(db, caller, referral_id, body, if_match,
                                   _valid_seconds(request))
    return _referral_out(db, ref)


@router.post("/referrals/{referral_id}/counter", response_model=ReferralOut, tags=["referrals"],
             responses=UPDATE)
def counter_referral(db: DB, caller: Caller, referral_id: str, body: ReferralStep,
                     if_match: IfMatch) -> ReferralOut:
    """The holder proposes a price the licensee may accept."""
    return _referral_out(db, referrals_service.counter(db, caller, referral_id, body, if_match))


@router.post("/referrals/{referral_id}/decline", response_model=ReferralOut, tags=["referrals"],
             responses=UPDATE)
def decline_referral(db: DB, caller: Caller, referral_id: str, body: ReferralStep,
                     if_match: IfMatch) -> ReferralOut:
    return _referral_out(db, referrals_service.decline(db, caller, referral_id, body, if_match))


@router.post("/referrals/{referral_id}/withdraw", response_model=ReferralOut, tags=["referrals"],
             responses=UPDATE)
def withdraw_referral(db: DB, caller: Caller, referral_id: str, body: ReferralStep,
                      if_match: IfMatch) -> ReferralOut:
    """The licensee withdraws its referral."""
    return _referral_out(db, referrals_service.withdraw(db, caller, referral_id, body, if_match))
