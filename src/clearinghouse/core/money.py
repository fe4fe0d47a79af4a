"""Money as integer minor units plus an ISO 4217 currency; rates and shares are Decimal.

Every split allocates its remainder so that the parts always sum exactly to the whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import get_global
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_territory_currencies,
    list_currencies,
)

# Every code CLDR knows, withdrawn ones included: enough to read and show stored amounts.
SUPPORTED_CURRENCIES: frozenset[str] = frozenset(list_currencies())


class MoneyError(ValueError):
    pass


def currency_exponent(currency: str) -> int:
    return int(get_currency_precision(currency))


def check_currency(currency: str) -> str:
    code = currency.upper()
    if code not in SUPPORTED_CURRENCIES or len(code) != 3:
        raise MoneyError(f"unknown currency {currency!r}; use an ISO 4217 code such as CNY or USD")
    return code


def circulating_currencies(on: date | None = None) -> frozenset[str]:
    """ISO 4217 codes that some territory uses as legal tender on `on` (today, UTC), per CLDR.

    Left out: precious metals (XAU, XAG, XPT, XPD), the test and no-currency codes (XTS, XXX),
    special drawing rights and other units of account (XDR, XSU, XUA), funds codes (USN, CLF,
    BOV, …) and withdrawn currencies (DEM, …).
    """
    return _circulating_on(on or datetime.now(UTC).date())


@lru_cache(maxsize=4)
def _circulating_on(day: date) -> frozenset[str]:
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=day, tender=True))
    return frozenset(codes)


def check_circulating_currency(currency: str, on: date | None = None) -> str:
    """A currency something may be priced, quoted, paid or converted in: one in circulation."""
    code = check_currency(currency)
    if code not in circulating_currencies(on):
        raise MoneyError(
            f"{code} is not a circulating currency (precious metals, test, fund and withdrawn "
            "codes cannot price a license); use one such as CNY or USD"
        )
    return code


@dataclass(frozen=True, order=True)
class Money:
    currency: str
    minor: int

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("money amounts are whole minor units (an integer), never a float")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(check_currency(currency), 0)

    @classmethod
    def from_decimal(cls, currency: str, amount: Decimal | str | int) -> Money:
        """Exact only: '12.34' CNY is fine, '12.345' CNY is an error rather than a silent rounding."""
        code = check_currency(currency)
        try:
            value = Decimal(str(amount))
        except InvalidOperation as exc:
            raise MoneyError(f"{amount!r} is not a number") from exc
        scaled = value.scaleb(currency_exponent(code))
        if scaled != scaled.to_integral_value():
            raise MoneyError(f"{amount} has more decimals than {code} allows")
        return cls(code, int(scaled))

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency))

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.currency, self.minor + other.minor)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.currency, self.minor - other.minor)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def times(self, factor: Decimal) -> Money:
        return Money(self.currency, round_half_even(Decimal(self.minor) * factor))

    def convert(self, currency: str, rate: Decimal) -> Money:
        """`rate` is units of `currency` per one unit of self.currency."""
        code = check_currency(currency)
        major = self.to_decimal() * rate
        return Money(code, round_half_even(major.scaleb(currency_exponent(code))))

    def format(self, locale: str = "en") -> str:
        return _formatted(self.minor, self.currency, locale)

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


@lru_cache(maxsize=8192)
def _formatted(minor: int, currency: str, locale: str) -> str:
    # Babel parses the locale's pattern on every call: a licence's answer formats a dozen
    # amounts, and the same prices recur, so the text is kept (bounded).
    return str(format_currency(Money(currency, minor).to_decimal(), currency, locale=locale))


def round_half_even(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def allocate(total: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split `total` minor units by weights with the largest-remainder method.

    The parts sum exactly to `total`; ties go to the earlier weight, so results are deterministic.
    """
    if not weights:
        raise MoneyError("nothing to allocate to")
    # Exact integers throughout: each weight as a fraction over one common denominator, so a
    # remainder is compared exactly (a rounded division can hand a tied cent to the wrong part).
    ratios = [Decimal(w).as_integer_ratio() for w in weights]
    if any(n < 0 for n, _ in ratios):
        raise MoneyError("weights must not be negative")
    common = math.lcm(*(d for _, d in ratios))
    ints = [n * (common // d) for n, d in ratios]
    weight_sum = sum(ints)
    if weight_sum == 0:
        raise MoneyError("weights must not all be zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [divmod(magnitude * w, weight_sum) for w in ints]
    parts = [q for q, _ in shares]
    short = magnitude - sum(parts)
    order = sorted(range(len(ints)), key=lambda i: (-shares[i][1], i))
    for i in order[:short]:
        parts[i] += 1
    return [sign * p for p in parts]
