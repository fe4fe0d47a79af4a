"""Money is integer minor units; splits always add up exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.core.money import Money, MoneyError, allocate


def test_from_decimal_is_exact_or_an_error():
    assert Money.from_decimal("CNY", "12.30") == Money("CNY", 1230)
    assert Money.from_decimal("JPY", "500") == Money("JPY", 500)
    with pytest.raises(MoneyError):
        Money.from_decimal("CNY", "12.345")
    with pytest.raises(MoneyError):
        Money.from_decimal("XYZ", "1")


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
