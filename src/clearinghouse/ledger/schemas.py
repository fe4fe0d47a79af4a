"""Pydantic models of the ledger API: balances, entries with their postings, corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.money_schemas import MoneyOut
from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import MultiLine
from clearinghouse.ledger.service import Balance
from clearinghouse.ledger.tables import LedgerEntry

Memo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), MultiLine]


class BalanceOut(BaseModel):
    account: str
    party_id: str | None
    purpose: str
    normal_side: str
    balance: MoneyOut = Field(
        description="In the account's normal sign: a holder's earnings are positive"
    )


class PostingOut(BaseModel):
    account: str
    amount: MoneyOut = Field(description="Debit positive, credit negative")
    memo: str | None


class FxRateOut(BaseModel):
    base: str
    quote: str
    rate: str = Field(description="Units of `quote` per one `base`, a decimal as text")
    effective: date
    source: str | None


class LedgerEntryOut(BaseModel):
    id: str
    kind: str
    memo: str
    subject_type: str | None
    subject_id: str | None
    license_id: str | None = Field(description="The licence the entry belongs to")
    reverses_id: str | None
    fx: FxRateOut | None = Field(description="The rate a currency conversion used")
    created_at: datetime
    postings: list[PostingOut]


class ReverseEntry(Strict):
    memo: Memo | None = None


def entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut(
        id=entry.id,
        kind=entry.kind,
        memo=entry.memo,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        license_id=entry.license_id,
        reverses_id=entry.reverses_id,
        fx=FxRateOut.model_validate({"base": entry.fx_base, "quote": entry.fx_quote,
                                     "rate": entry.fx_rate, "effective": entry.fx_effective,
                                     "source": entry.fx_source})
        if entry.fx_rate is not None
        else None,
        created_at=entry.created_at,
        postings=[
            PostingOut(
                account=p.account.code, amount=MoneyOut.of(p.currency, p.amount_minor), memo=p.memo
            )
            for p in entry.postings
        ],
    )


def balance_out(b: Balance) -> BalanceOut:
    return BalanceOut(
        account=b.account,
        party_id=b.party_id,
        purpose=b.purpose,
        normal_side=b.normal_side,
        balance=MoneyOut.of(b.currency, b.balance_minor),
    )
