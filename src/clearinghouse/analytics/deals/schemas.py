"""Deal flow as the API shows it: money in whole minor units (fen, cents), never a float."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from pydantic import BaseModel

from clearinghouse.analytics.deals.domain import Conventions, DealSummary, Tally
from clearinghouse.analytics.deals.tables import DealImport
from clearinghouse.core.money_schemas import MoneyOut


class DealImportOut(BaseModel):
    id: str
    label: str
    sha256: str
    deal_count: int
    first_month: str
    last_month: str
    created_at: datetime


class TallyOut(BaseModel):
    key: str  # the month, round or category ("" for the total)
    events: int
    disclosed: int  # events with an amount
    estimated: int  # of those, vague amounts counted by convention
    cny: MoneyOut
    usd: MoneyOut


class ConventionsOut(BaseModel):
    several_hundred_thousand: Decimal
    several_million: Decimal
    tens_of_millions: Decimal
    hundreds_of_millions: Decimal
    usd_cny: Decimal


class HeadlineOut(BaseModel):
    events: int
    content: int
    app: int
    service: int
    above_hundred_millions_cny: int  # the report's "估算吸金超N亿元"
    zh: str
    en: str


class DealSummaryOut(BaseModel):
    deal_import: DealImportOut
    quarter: str | None
    conventions: ConventionsOut
    headline: HeadlineOut
    total: TallyOut
    by_month: list[TallyOut]
    by_round: list[TallyOut]
    by_category: list[TallyOut]


def import_out(record: DealImport) -> DealImportOut:
    return DealImportOut(id=record.id, label=record.label, sha256=record.sha256,
                         deal_count=record.deal_count, first_month=record.first_month,
                         last_month=record.last_month, created_at=record.created_at)


def _minor(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def tally_out(key: str, tally: Tally, conventions: Conventions) -> TallyOut:
    return TallyOut(key=key, events=tally.events, disclosed=tally.disclosed,
                    estimated=tally.estimated, cny=MoneyOut.of("CNY", _minor(tally.cny)),
                    usd=MoneyOut.of("USD", _minor(tally.usd(conventions))))


def summary_out(record: DealImport, quarter: str | None, summary: DealSummary) -> DealSummaryOut:
    c = summary.conventions
    counts = {cat.value: t.events for cat, t in summary.by_category.items()}
    n, above = summary.total.events, summary.headline_hundred_millions()
    headline = HeadlineOut(
        events=n, content=counts.get("content", 0), app=counts.get("app", 0),
        service=counts.get("service", 0), above_hundred_millions_cny=above,
        zh=f"投融资事件{n}起，估算吸金超{above}亿元" if above else f"投融资事件{n}起",
        en=(f"{n} investment events, an estimated total above {above * 100} million CNY"
            if above else f"{n} investment events"))
    return DealSummaryOut(
        deal_import=import_out(record), quarter=quarter,
        conventions=ConventionsOut(several_hundred_thousand=c.several_hundred_thousand,
                                   several_million=c.several_million,
                                   tens_of_millions=c.tens_of_millions,
                                   hundreds_of_millions=c.hundreds_of_millions,
                                   usd_cny=c.usd_cny),
        headline=headline, total=tally_out("", summary.total, c),
        by_month=[tally_out(k, t, c) for k, t in summary.by_month.items()],
        by_round=[tally_out(k, t, c) for k, t in summary.by_round.items()],
        by_category=[tally_out(k.value, t, c) for k, t in summary.by_category.items()])
