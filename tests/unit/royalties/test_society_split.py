"""The run-wide split of society amounts against `splits.split`, one amount at a time: random
amounts (positive, negative, tiny, beyond the vector bound) and shares (odd thirds, ties, shares
under 100%) give the same cents to the same holders and the same unheld remainder; the owner fee
is the per-part half-even rounding."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from clearinghouse.core.money import round_half_even
from clearinghouse.royalties.society_split import VECTOR_LIMIT_MINOR, owner_fees, split_amounts
from clearinghouse.royalties.splits import split


def _expected(totals: list[int], shares: list[list[tuple[str, int]]]) -> list[int]:
    out: list[int] = []
    for total, listing in zip(totals, shares, strict=True):
        result = split(total, listing)
        out += [p.amount_minor for p in result.parts] + [result.unheld_minor]
    return out


@pytest.mark.parametrize("huge", [False, True])
def test_random_amounts_split_as_one_at_a_time(huge: bool) -> None:
    rng = random.Random(14 + huge)
    totals: list[int] = []
    shares: list[list[tuple[str, int]]] = []
    for _ in range(3000):
        holders = rng.randint(1, 4)
        ppm = [1_000_000 // holders] * holders if rng.random() < 0.3 else \
            [rng.randint(1, 250_000) for _ in range(holders)]
        shares.append([(f"pty_{rng.randint(0, 50):02d}{h}", w) for h, w in enumerate(ppm)])
        totals.append(rng.choice([rng.randint(-10**6, 10**6), rng.randint(1, 9), 10**12 + rng.randint(0, 10**9)]))
    if huge:
        totals[17] = VECTOR_LIMIT_MINOR + 5  # beyond int64 products: split one at a time
    parts = split_amounts(totals, shares)
    assert parts.amount_minor.tolist() == _expected(totals, shares)
    assert [p for p in parts.party_ids if p is not None] == [pid for s in shares for pid, _ in sorted(s)]


def test_thirds_of_one_cent_and_of_a_hundred_euros() -> None:
    thirds = [("pty_a", 333_333), ("pty_b", 333_333), ("pty_c", 333_334)]
    parts = split_amounts([1, 10_000], [thirds, thirds])
    # 1 cent: the largest remainder is pty_c's; 100.00: 33.33 each, the odd cent to pty_c.
    assert parts.amount_minor.tolist() == [0, 0, 1, 0, 3_333, 3_333, 3_334, 0]


@pytest.mark.parametrize("pct", ["10", "7.5", "0", "33.333"])
def test_owner_fees_round_half_even_per_part(pct: str) -> None:
    rng = random.Random(pct)
    amounts = np.array([rng.randint(-10**7, 10**7) for _ in range(4000)] + [5, 15, 25, -5], np.int64)
    expected = [round_half_even(Decimal(int(a)) * Decimal(pct) / 100) for a in amounts]
    assert owner_fees(amounts, Decimal(pct)).tolist() == expected
