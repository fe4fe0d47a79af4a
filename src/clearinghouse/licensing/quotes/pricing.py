"""Pricing a quote's lines: prices, dated exchange rates, service fees on both sides. Pure.

Parts always sum exactly: subtotal = Σ upfront_converted = Σ holder_net + owner_fee, and
total = subtotal + licensee_fee. Every rounding is half-even to a whole minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clearinghouse.core.money import currency_exponent, round_half_even
from clearinghouse.licensing.catalogue.domain import FeeFacts, Price, RateFacts
from clearinghouse.licensing.domain import QuoteLine, QuoteTotals


class RateBook:
    """The latest rate effective on a day for each pair; the reverse pair serves by division."""

    def __init__(self, rates: Iterable[RateFacts], on: date) -> None:
        self.latest: dict[tuple[str, str], RateFacts] = {}
        for r in rates:
            if r.effective > on or r.rate <= 0:
                continue
            known = self.latest.get((r.base, r.quote))
            if known is None or r.effective > known.effective:
                self.latest[(r.base, r.quote)] = r
        self.used: dict[tuple[str, str], RateFacts] = {}

    def find(self, src: str, dst: str) -> tuple[RateFacts, bool] | None:
        """(rate, inverse?) for converting src to dst; the more recent of the two directions."""
        direct, reverse = self.latest.get((src, dst)), self.latest.get((dst, src))
        if direct is not None and (reverse is None or direct.effective >= reverse.effective):
            return direct, False
        return (reverse, True) if reverse is not None else None

    def convert(self, minor: int, src: str, dst: str, *, record: bool = False) -> int | None:
        if src == dst:
            return minor
        found = self.find(src, dst)
        if found is None:
            return None
        rate, inverse = found
        if record:
            self.used[(rate.base, rate.quote)] = rate
        major = Decimal(minor).scaleb(-currency_exponent(src))
        value = major / rate.rate if inverse else major * rate.rate
        return round_half_even(value.scaleb(currency_exponent(dst)))


def fee_of(amount_minor: int, pct: Decimal) -> int:
    """`pct` percent of an amount, rounded half-even to a whole minor unit."""
    return round_half_even(Decimal(amount_minor) * pct / 100)


@dataclass(frozen=True)
class PricedDraft:
    """A line before pricing: who grants which right at which price (an offer's or a referral's)."""

    work_id: str
    work_title: str
    right: str
    holder_id: str
    holder_name: str
    share_ppm: int
    price: Price
    offer_id: str | None = None
    offer_version: int | None = None
    template_id: str | None = None
    template_code: str | None = None
    # Where this holder grants the right: the use's countries it holds it in (a partial
    # quote may clear a right in fewer countries than the use names). Empty: all of the use's.
    countries: tuple[str, ...] = ()


def price_drafts(drafts: Sequence[PricedDraft], currency: str, rates: RateBook,
                 fees: FeeFacts) -> tuple[tuple[QuoteLine, ...], QuoteTotals]:
    """The quote's lines and totals. The owner fee is taken per line from that holder's proceeds
    (no holder's fee depends on who else is in the quote); the licensee fee is on the subtotal."""
    lines: list[QuoteLine] = []
    by_currency: dict[str, int] = {}
    for d in sorted(drafts, key=lambda d: (d.work_id, d.right, d.holder_id)):
        p = d.price
        converted = rates.convert(p.upfront_minor, p.currency, currency, record=True)
        if converted is None:  # the engine only drafts convertible prices
            raise ValueError(f"no exchange rate from {p.currency} to {currency}")
        owner_fee = fee_of(converted, fees.owner_pct)
        by_currency[p.currency] = by_currency.get(p.currency, 0) + p.upfront_minor
        lines.append(QuoteLine(
            work_id=d.work_id, work_title=d.work_title, right=d.right, holder_id=d.holder_id,
            holder_name=d.holder_name, share_ppm=d.share_ppm, currency=p.currency,
            upfront_minor=p.upfront_minor, upfront_converted_minor=converted,
            owner_fee_minor=owner_fee, holder_net_minor=converted - owner_fee,
            offer_id=d.offer_id, offer_version=d.offer_version, template_id=d.template_id,
            template_code=d.template_code, fixed_fee_minor=p.fixed_fee_minor,
            advance_minor=p.advance_minor, minimum_guarantee_minor=p.minimum_guarantee_minor,
            per_1000_plays_minor=p.per_1000_plays_minor, per_copy_minor=p.per_copy_minor,
            revenue_share_pct=p.revenue_share_pct, countries=tuple(d.countries)))
    subtotal = sum(line.upfront_converted_minor for line in lines)
    licensee_fee = fee_of(subtotal, fees.licensee_pct)
    totals = QuoteTotals(
        currency=currency, subtotal_minor=subtotal, licensee_fee_minor=licensee_fee,
        owner_fee_minor=sum(line.owner_fee_minor for line in lines),
        total_minor=subtotal + licensee_fee,
        by_currency=tuple(sorted(by_currency.items())),
        rates=tuple(r.to_json() for _, r in sorted(rates.used.items())),
        fees={"licensee_pct": str(fees.licensee_pct), "owner_pct": str(fees.owner_pct)})
    return tuple(lines), totals
