"""Money is integer minor units; splits always add up exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.core.money import (
    Money,
    MoneyError,
    allocate,
    check_circulating_currency,
    circulating_currencies,
)


def test_from_decimal_is_exact_or_an_error():
    assert Money.from_decimal("CNY", "12.30") == Money("CNY", 1230)
    assert Money.from_decimal("JPY", "500") == Money("JPY", 500)
    with pytest.raises(MoneyError):
        Money.from_decimal("CNY", "12.345")
    with pytest.raises(MoneyError):
        Money.from_decimal("XYZ", "1")


@pytest.mark.parametrize("code", ["CNY", "usd", "EUR", "JPY", "HKD", "XAF", "XOF", "XCD", "XPF"])
def test_circulating_currencies_are_accepted_upper_cased(code):
    assert check_circulating_currency(code) == code.upper()


@pytest.mark.parametrize("code", [
    "XAU", "XAG", "XPT", "XPD",  # precious metals
    "XTS", "XXX",  # testing, no currency
    "XDR", "XSU", "XUA", "XBA",  # units of account
    "USN", "CLF", "BOV", "CHE", "MXV",  # funds codes
    "DEM", "FRF", "ZWD",  # withdrawn
])
def test_metals_test_codes_units_funds_and_withdrawn_currencies_are_refused(code):
    with pytest.raises(MoneyError, match=f"{code} is not a circulating currency"):
        check_circulating_currency(code)


def test_circulation_is_judged_on_the_day():
    # Croatia replaced the kuna with the euro on 2023-01-01.
    assert "HRK" in circulating_currencies(date(2022, 6, 1))
    assert "HRK" not in circulating_currencies(date(2023, 6, 1))


def test_unknown_codes_are_refused():
    with pytest.raises(MoneyError, match="unknown currency"):
        check_circulating_currency("ABC")


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        Money("CNY", 12.5)  # type: ignore[arg-type]


def test_currencies_do_not_mix():
    with pytest.raises(MoneyError):
        Money("CNY", 100) + Money("USD", 100)


def test_conversion_uses_decimal_rate_and_half_even_rounding():
    # 1.00 USD at 6.6 CNY/USD is exactly 6.60 CNY; 0.05 USD -> 0.33 CNY.
    assert Money("USD", 100).convert("CNY", Decimal("6.6")) == Money("CNY", 660)
    assert Money("USD", 5).convert("CNY", Decimal("6.6")) == Money("CNY", 33)
    assert Money("CNY", 1000).convert("USD", Decimal(1) / Decimal("6.6")) == Money("USD", 152)


def test_three_way_split_of_odd_cents():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(1001, [Decimal("50"), Decimal("25"), Decimal("25")]) == [501, 250, 250]


@given(st.integers(min_value=-10**12, max_value=10**12),
       st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any))
def test_allocation_always_sums_to_the_total(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)


def test_allocate_gives_the_left_over_cent_to_the_truly_largest_remainder() -> None:
    # 6,622,387 × 7/1,011 leaves .97 of a cent, more than the third part's .33; a division rounded
    # to 28 digits once handed the cent to the third.
    assert allocate(6_622_387, [3, 7, 1, 1000]) == [19_651, 45_853, 6_550, 6_550_333]
    assert allocate(100, [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == [33, 33, 34]
