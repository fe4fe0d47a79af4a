"""Ledger endpoints: balances and entries (a party its own, the operator all), and corrections."""

from __future__ import annotations

from fastapi import APIRouter

from clearinghouse.api.auth import OperatorCaller
from clearinghouse.api.deps import DB, Caller, Limit, Offset, RefParam
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.schemas import Page
from clearinghouse.ledger import service
from clearinghouse.ledger.schemas import (
    BalanceOut,
    LedgerEntryOut,
    ReverseEntry,
    balance_out,
    entry_out,
)

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


@router.get("/balances", response_model=list[BalanceOut], responses=AUTHED)
def balances(db: DB, caller: Caller, party_id: RefParam | None = None) -> list[BalanceOut]:
    """Balances per account and currency. A party sees its own accounts; the operator every account
    (or one party's, with `party_id`)."""
    return [balance_out(b) for b in service.balances(db, caller, party_id)]


@router.get("/entries", response_model=Page[LedgerEntryOut], responses=AUTHED)
def entries(
    db: DB,
    caller: Caller,
    offset: Offset = 0,
    limit: Limit = 50,
    party_id: RefParam | None = None,
    license_id: RefParam | None = None,
) -> Page[LedgerEntryOut]:
    """Entries touching your accounts, oldest first (the operator: all, or one party's).

    `license_id`: every entry of one licence (its charge, payment, currency conversions and
    reversals), for its licensee, the holders paid on it and the operator."""
    rows, total = service.list_entries(
        db, caller, party_id=party_id, offset=offset, limit=limit, license_id=license_id
    )
    return Page(items=[entry_out(e) for e in rows], total=total, offset=offset, limit=limit)


@router.post(
    "/entries/{entry_id}/reverse", response_model=LedgerEntryOut, status_code=201, responses=WRITE
)
def reverse(
    db: DB, caller: OperatorCaller, entry_id: str, body: ReverseEntry | None = None
) -> LedgerEntryOut:
    """Operator: correct an entry by posting its reversal; entries are never edited or deleted."""
    return entry_out(service.reverse(db, caller, entry_id, body.memo if body and body.memo else ""))
