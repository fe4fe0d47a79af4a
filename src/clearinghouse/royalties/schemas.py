"""Royalty runs, statements and payouts as the API shows them. Amounts are integers in minor
units of the currency named beside them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from clearinghouse.royalties.payout_rules import Payout
from clearinghouse.royalties.tables import RoyaltyPayout, RoyaltyPeriod, RoyaltyRun


class PeriodOut(BaseModel):
    period: str
    status: Literal["open", "closed"]
    closed_at: datetime | None
    closed_by_id: str | None


class RunInput(BaseModel):
    report_id: str
    sha256: str


class RunOut(BaseModel):
    id: str
    period: str
    engine: str
    status: Literal["current", "superseded"] = Field(
        description="A period's latest run is current; running it again supersedes (reverses) it")
    started_at: datetime
    finished_at: datetime | None
    superseded_by_id: str | None
    inputs: list[RunInput] = Field(description="The landed reports the run read, with their hashes")
    counts: dict[str, int]


class StatementLineOut(BaseModel):
    id: str
    run_id: str
    period: str
    holder_id: str
    work_id: str
    channels: list[str]
    territories: list[str]
    licensee_id: str | None = Field(description="None: a society's amount, split by holdings")
    license_id: str | None
    license_line_id: str | None
    right: str | None
    plays: int
    copies: int
    revenue: dict[str, int] = Field(description="Reported revenue per currency (minor units)")
    currency: str = Field(description="The terms' currency: earned, recouped, payable, true-up")
    earned_minor: int
    recouped_minor: int
    payable_minor: int
    true_up_minor: int
    license_currency: str = Field(description="Due and both fees are in the licence currency")
    due_minor: int
    licensee_fee_minor: int
    owner_fee_minor: int
    holder_net_minor: int
    payout_currency: str
    holder_payout_minor: int


class TrailFactor(BaseModel):
    name: str
    value: str
    note: str


class TrailUsage(BaseModel):
    items: list[dict[str, Any]] = Field(
        description="Usage lines behind the statement line: report_id, reporter_id, line_no, "
                    "usage_date, channel, territory, kind, plays, copies, revenue_minor, currency")
    total: int
    offset: int
    limit: int


class TrailOut(BaseModel):
    line: StatementLineOut
    license_id: str | None
    license_line_id: str | None
    right: str | None
    factors: list[TrailFactor] = Field(
        description="Every factor of the rating in order: rate × use, conversions with their "
                    "rate and direction, the rounding, recoupment, guarantee, fees")
    ledger_entry_ids: list[str]
    usage: TrailUsage


class PayoutOut(BaseModel):
    party_id: str
    currency: str
    amount_minor: int
    threshold_minor: int
    paid: bool = Field(description="False: under the threshold, the balances carry forward")
    balances: dict[str, int] = Field(description="The earnings balances it is paid from, per currency")


class PayoutRecordOut(BaseModel):
    id: str
    period: str
    party_id: str
    currency: str
    amount_minor: int
    status: Literal["due", "sent"] = Field(description="due: posted, not yet sent; sent: final")
    due_entry_id: str = Field(description="The ledger entry that set it aside (payout.due)")
    created_at: datetime
    sent_reference: str | None
    sent_on: date | None
    sent_at: datetime | None
    sent_by_id: str | None
    sent_entry_id: str | None = Field(description="The ledger entry of the transfer (payout.sent)")


class PayoutSent(BaseModel):
    reference: str = Field(min_length=1, max_length=200,
                           description="The bank transfer's reference, as the bank shows it")
    sent_on: date = Field(description="The day the transfer left (today or earlier)")


def payout_record_out(row: RoyaltyPayout) -> PayoutRecordOut:
    return PayoutRecordOut(
        id=row.id, period=row.period, party_id=row.party_id, currency=row.currency,
        amount_minor=row.amount_minor, status="sent" if row.sent_at else "due",
        due_entry_id=row.due_entry_id, created_at=row.created_at,
        sent_reference=row.sent_reference, sent_on=row.sent_on, sent_at=row.sent_at,
        sent_by_id=row.sent_by_id, sent_entry_id=row.sent_entry_id)


def period_out(row: RoyaltyPeriod) -> PeriodOut:
    return PeriodOut(period=row.period, status=row.status,  # type: ignore[arg-type]
                     closed_at=row.closed_at, closed_by_id=row.closed_by_id)


def run_out(run: RoyaltyRun) -> RunOut:
    return RunOut(id=run.id, period=run.period, engine=run.engine,
                  status=run.status,  # type: ignore[arg-type]
                  started_at=run.started_at, finished_at=run.finished_at,
                  superseded_by_id=run.superseded_by_id,
                  inputs=[RunInput(**i) for i in run.inputs], counts=run.counts)


def payout_out(p: Payout) -> PayoutOut:
    return PayoutOut(party_id=p.party_id, currency=p.currency, amount_minor=p.amount_minor,
                     threshold_minor=p.threshold_minor, paid=p.paid,
                     balances={b.currency: b.minor for b in p.balances})
