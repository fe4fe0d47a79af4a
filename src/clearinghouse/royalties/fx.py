"""Conversion at the rates recorded for a period. Pure.

The runs service records one rate per currency pair for the period (the latest effective on the
period's last day, as `licensing.quotes.pricing.RateBook` picks them) and hands them here as
`ledger.domain.FxRate`s. A pair is used in either direction: the reverse of a recorded rate
divides. Conversions are exact `Decimal`s; the caller rounds, once, and records it.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from clearinghouse.core.money import currency_exponent, round_half_even
from clearinghouse.ledger.domain import FxRate

# Enough digits that a product of plays, rates and percentages is exact before its one rounding.
PRECISION = 60


class RatingError(ValueError):
    """Terms or usage that cannot be rated (a negative count, a missing rate); names the cause."""


@dataclass(frozen=True)
class Conversion:
    """One conversion as a statement line shows it: from, to, the rate and the rounding."""

    from_currency: str
    from_amount: Decimal  # minor units of from_currency (exact, may have decimals before rounding)
    to_currency: str
    exact: Decimal  # minor units of to_currency before rounding
    rounded_minor: int | None  # None when the result stays exact (an input to a later rounding)
    rate: FxRate
    inverse: bool  # True: the recorded rate is to_currency→from_currency, so it divided


class PeriodRates:
    """The rates recorded for one period, looked up by pair in either direction."""

    def __init__(self, rates: Iterable[FxRate] = ()) -> None:
        self._by_pair: dict[tuple[str, str], FxRate] = {}
        for r in rates:
            if r.rate <= 0:
                raise RatingError(f"rate {r.base}/{r.quote} {r.rate} is not more than zero")
            if (r.base, r.quote) in self._by_pair:
                raise RatingError(f"two rates recorded for {r.base}/{r.quote} in one period")
            self._by_pair[(r.base, r.quote)] = r

    def find(self, src: str, dst: str) -> tuple[FxRate, bool]:
        """(rate, inverse?) converting src to dst; the direct pair wins over the reverse."""
        direct = self._by_pair.get((src, dst))
        if direct is not None:
            return direct, False
        reverse = self._by_pair.get((dst, src))
        if reverse is not None:
            return reverse, True
        raise RatingError(f"no {src}/{dst} exchange rate recorded for the period")

    def convert_exact(self, minor: Decimal, src: str, dst: str) -> Conversion:
        """`minor` units of src in minor units of dst, exact (not rounded)."""
        rate, inverse = self.find(src, dst)
        with decimal.localcontext(prec=PRECISION):
            major = minor.scaleb(-currency_exponent(src))
            value = major / rate.rate if inverse else major * rate.rate
            exact = value.scaleb(currency_exponent(dst))
        return Conversion(src, minor, dst, exact, None, rate, inverse)

    def convert(self, minor: int, src: str, dst: str) -> Conversion:
        """`minor` units of src in whole minor units of dst, rounded half-even."""
        c = self.convert_exact(Decimal(minor), src, dst)
        return Conversion(c.from_currency, c.from_amount, dst, c.exact, round_half_even(c.exact),
                          c.rate, c.inverse)
