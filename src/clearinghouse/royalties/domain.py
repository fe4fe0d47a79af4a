"""Rating one licence line for one period. Pure: dataclasses, Decimal and ints; no I/O.

A line's running terms are **the holder's own price for its share** (an offer prices what that
holder holds: a 40% co-publisher's rate card prices its 40%, see docs/licensing.md), in the
line's offer currency. So rating never multiplies by `share_ppm` again: 1,000 plays at 50.00 per
1,000 plays earn that holder 50.00 whatever its share. Shares only split an amount stated for a
whole work (`royalties.splits`).

Per line and period, in the terms' currency:

1. earned = plays × per-1,000 ÷ 1,000 + copies × per-copy + revenue-share % of the revenue
   (each revenue currency converted exactly at the period's rate), exact, then **rounded once**,
   half-even, to a whole minor unit;
2. recoupment: an advance paid up front is earned back first — nothing is payable until the
   royalties earned to date exceed it;
3. minimum guarantee: at the guarantee's last period (`guarantee_end_period`) the licensee owes
   the shortfall: MG − max(royalties earned over the term, the advance). The advance counts
   because the holder was paid it and keeps it;
4. what is due (payable beyond the advance + the true-up) is converted to the licence currency
   (what the licensee is charged in) at the period's rate, if different, then both service fees
   are taken on it as purchases take them (half-even): the licensee's on top, the owner's from
   the holder's part;
5. the holder's net in its payout currency at the period's rate.

Every factor is kept in `LineRating.trail` so a statement line can show rate, FX and rounding.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from clearinghouse.core.money import round_half_even
from clearinghouse.royalties.fx import PRECISION, Conversion, PeriodRates, RatingError

__all__ = [
    "Carried", "Conversion", "FeeRates", "LineRating", "LineTerms", "PeriodRates", "PeriodUsage",
    "RatingError", "Revenue", "Rounding", "TrailItem", "guarantee_end_period", "period_of",
    "rate_line",
]


_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _shown(value: Decimal) -> str:
    """A figure for the trail: exact up to 6 decimals of a minor unit, else cut there (marked)."""
    cut = value.quantize(Decimal("0.000001"), rounding=decimal.ROUND_DOWN)
    return str(value) if cut == value else f"{cut}…"


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def guarantee_end_period(valid_from: date, valid_to: date | None, stated: str | None = None) -> str:
    """The period a minimum guarantee is trued up at.

    The period a line states wins; otherwise the period of the licence's last day (`valid_to` is
    exclusive); a perpetual licence's guarantee covers its first year (the period of
    valid_from + 1 year − 1 day).
    """
    if stated is not None:
        return stated
    if valid_to is not None:
        return period_of(valid_to - timedelta(days=1))
    try:
        year_on = valid_from.replace(year=valid_from.year + 1)
    except ValueError:  # 29 February: a year on is 1 March
        year_on = date(valid_from.year + 1, 3, 1)
    return period_of(year_on - timedelta(days=1))


@dataclass(frozen=True)
class LineTerms:
    """A licence line's running terms (`LicenseLine`), amounts in minor units of `currency`."""

    license_id: str
    line_id: str
    work_id: str
    right: str
    holder_id: str
    licensee_id: str
    currency: str  # the line's offer currency: the terms are priced in it
    license_currency: str  # what the licensee is charged in
    per_1000_plays_minor: int | None = None
    per_copy_minor: int | None = None
    revenue_share_pct: Decimal | None = None
    advance_minor: int = 0
    minimum_guarantee_minor: int = 0
    guarantee_end: str | None = None  # YYYY-MM (`guarantee_end_period`); None: no guarantee

    def __post_init__(self) -> None:
        for name in ("per_1000_plays_minor", "per_copy_minor", "advance_minor",
                     "minimum_guarantee_minor"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise RatingError(f"{name} of line {self.line_id} is negative")
        pct = self.revenue_share_pct
        if pct is not None and not Decimal(0) <= pct <= Decimal(100):
            raise RatingError(f"revenue_share_pct of line {self.line_id} is not 0–100")
        if self.minimum_guarantee_minor and self.guarantee_end is None:
            raise RatingError(f"line {self.line_id} has a minimum guarantee and no period to "
                              "true it up at (see guarantee_end_period)")


@dataclass(frozen=True)
class Revenue:
    minor: int
    currency: str


@dataclass(frozen=True)
class PeriodUsage:
    """A line's matched usage for one period, summed by the pipeline (MATCHED_USAGE_SCHEMA)."""

    plays: int = 0
    copies: int = 0
    revenue: tuple[Revenue, ...] = ()  # one per reported currency

    def __post_init__(self) -> None:
        if self.plays < 0 or self.copies < 0 or any(r.minor < 0 for r in self.revenue):
            raise RatingError("plays, copies and revenue are never negative")


@dataclass(frozen=True)
class Carried:
    """What one period hands the next, per line. `start` gives the state before any period."""

    advance_unrecouped_minor: int
    earned_to_date_minor: int = 0  # royalties earned over the guarantee's term so far
    periods_rated: int = 0
    guarantee_settled: bool = False

    @classmethod
    def start(cls, terms: LineTerms) -> Carried:
        return cls(advance_unrecouped_minor=terms.advance_minor)


@dataclass(frozen=True)
class FeeRates:
    """The fee schedule in force for the period (`FeeFacts`): percentages on what is due."""

    licensee_pct: Decimal = Decimal(0)
    owner_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class Rounding:
    """The one rounding of a line's royalties: the exact figure and the whole minor units kept."""

    exact: Decimal
    rounded_minor: int

    @property
    def difference(self) -> Decimal:
        return Decimal(self.rounded_minor) - self.exact


@dataclass(frozen=True)
class TrailItem:
    """One factor of the computation, as a statement line shows it."""

    name: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class LineRating:
    terms: LineTerms
    period: str
    earned_minor: int  # royalties earned this period (terms currency)
    rounding: Rounding
    recouped_minor: int  # of earned, covered by the advance (no new cash)
    payable_royalty_minor: int  # earned beyond the advance (terms currency)
    guarantee_true_up_minor: int  # the minimum-guarantee shortfall the licensee owes (terms currency)
    due_minor: int  # payable + true-up, in the licence currency
    licensee_fee_minor: int
    owner_fee_minor: int
    licensee_owes_minor: int  # due + licensee fee (licence currency)
    holder_net_minor: int  # due − owner fee (licence currency)
    payout_currency: str
    holder_payout_minor: int  # holder net in the payout currency
    carried: Carried  # the state for the next period
    conversions: tuple[Conversion, ...] = ()  # every conversion, in the order made
    due_conversion: Conversion | None = None  # terms currency → licence currency
    payout_conversion: Conversion | None = None  # licence currency → payout currency
    trail: tuple[TrailItem, ...] = field(default=())


def _converted(name: str, conv: Conversion) -> TrailItem:
    rate = f"{conv.rate.base}/{conv.rate.quote} {conv.rate.rate}{' (inverse)' if conv.inverse else ''}"
    result = _shown(conv.exact)
    if conv.rounded_minor is not None:
        result += f" → {conv.rounded_minor}"
    return TrailItem(name, f"{_shown(conv.from_amount)} {conv.from_currency} minor at {rate}",
                     f"{result} {conv.to_currency} minor")


def _earned_exact(terms: LineTerms, usage: PeriodUsage, rates: PeriodRates,
                  trail: list[TrailItem], conversions: list[Conversion]) -> Decimal:
    total = Decimal(0)
    with decimal.localcontext(prec=PRECISION):
        if terms.per_1000_plays_minor is not None and usage.plays:
            part = Decimal(usage.plays) * terms.per_1000_plays_minor / 1000
            trail.append(TrailItem("plays", f"{usage.plays} × {terms.per_1000_plays_minor} / 1000",
                                   f"{part} {terms.currency} minor"))
            total += part
        if terms.per_copy_minor is not None and usage.copies:
            part = Decimal(usage.copies) * terms.per_copy_minor
            trail.append(TrailItem("copies", f"{usage.copies} × {terms.per_copy_minor}",
                                   f"{part} {terms.currency} minor"))
            total += part
        if terms.revenue_share_pct is not None:
            for rev in sorted(usage.revenue, key=lambda r: r.currency):
                amount = Decimal(rev.minor)
                if rev.currency != terms.currency:
                    conv = rates.convert_exact(amount, rev.currency, terms.currency)
                    conversions.append(conv)
                    amount = conv.exact
                    trail.append(_converted("revenue converted", conv))
                part = amount * terms.revenue_share_pct / 100
                trail.append(TrailItem("revenue share", f"{_shown(amount)} × {terms.revenue_share_pct}%",
                                       f"{_shown(part)} {terms.currency} minor"))
                total += part
    return total


def rate_line(terms: LineTerms, period: str, usage: PeriodUsage, carried: Carried,
              rates: PeriodRates, fees: FeeRates, payout_currency: str | None = None) -> LineRating:
    """Rate one line for one period; `carried` is the previous period's `LineRating.carried`
    (or `Carried.start(terms)`). `payout_currency` is the holder's choice (None: the licence's)."""
    if not _PERIOD.fullmatch(period):
        raise RatingError(f"period {period!r} is not YYYY-MM")
    trail: list[TrailItem] = []
    conversions: list[Conversion] = []
    exact = _earned_exact(terms, usage, rates, trail, conversions)
    earned = round_half_even(exact)
    rounding = Rounding(exact, earned)
    trail.append(TrailItem("earned", f"{_shown(exact)} rounded half-even", f"{earned} {terms.currency} minor"))

    recouped = min(earned, carried.advance_unrecouped_minor)
    payable = earned - recouped
    if recouped:
        trail.append(TrailItem("recouped", f"{recouped} of {carried.advance_unrecouped_minor} "
                               "advance not yet recouped", f"{carried.advance_unrecouped_minor - recouped} left"))
    earned_to_date = carried.earned_to_date_minor + earned

    true_up = 0
    settled = carried.guarantee_settled
    # Trued up in the first period rated at or after the guarantee's last, once.
    if terms.minimum_guarantee_minor and not settled and terms.guarantee_end is not None \
            and period >= terms.guarantee_end:
        credited = max(earned_to_date, terms.advance_minor)
        true_up = max(terms.minimum_guarantee_minor - credited, 0)
        settled = True
        trail.append(TrailItem(
            "minimum guarantee", f"{terms.minimum_guarantee_minor} − max(earned {earned_to_date}, "
            f"advance {terms.advance_minor})", f"{true_up} {terms.currency} minor owed"))

    due_terms = payable + true_up
    due = due_terms
    due_conv: Conversion | None = None
    if due_terms and terms.currency != terms.license_currency:
        conv = rates.convert(due_terms, terms.currency, terms.license_currency)
        conversions.append(conv)
        due_conv = conv
        due = conv.rounded_minor or 0
        trail.append(_converted("due converted", conv))

    licensee_fee = round_half_even(Decimal(due) * fees.licensee_pct / 100)
    owner_fee = round_half_even(Decimal(due) * fees.owner_pct / 100)
    if due:
        trail.append(TrailItem("licensee fee", f"{due} × {fees.licensee_pct}%", str(licensee_fee)))
        trail.append(TrailItem("owner fee", f"{due} × {fees.owner_pct}%", str(owner_fee)))
    net = due - owner_fee

    target = payout_currency or terms.license_currency
    payout = net
    payout_conv: Conversion | None = None
    if net and target != terms.license_currency:
        conv = rates.convert(net, terms.license_currency, target)
        if not conv.rounded_minor:  # less than a minor unit there: it stays in the licence currency
            target = terms.license_currency
        else:
            conversions.append(conv)
            payout_conv = conv
            payout = conv.rounded_minor
            trail.append(_converted("payout converted", conv))

    next_state = replace(
        carried, advance_unrecouped_minor=carried.advance_unrecouped_minor - recouped,
        earned_to_date_minor=earned_to_date, periods_rated=carried.periods_rated + 1,
        guarantee_settled=settled)
    return LineRating(
        terms=terms, period=period, earned_minor=earned, rounding=rounding, recouped_minor=recouped,
        payable_royalty_minor=payable, guarantee_true_up_minor=true_up, due_minor=due,
        licensee_fee_minor=licensee_fee, owner_fee_minor=owner_fee,
        licensee_owes_minor=due + licensee_fee, holder_net_minor=net, payout_currency=target,
        holder_payout_minor=payout, carried=next_state, conversions=tuple(conversions),
        due_conversion=due_conv, payout_conversion=payout_conv, trail=tuple(trail))
