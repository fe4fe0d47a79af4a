"""Many society amounts split among their holders at once: `splits.split` for a whole run,
with the same largest-remainder integer arithmetic on NumPy arrays. Pure.

Each amount's parts are its holders in party-id order then the unheld share (what nobody holds,
kept in suspense), weights in ppm over one million. A part gets ⌊amount × ppm / 10⁶⌋, and the
minor units left over go one each to the largest remainders, ties to the part listed first:
exactly `core.money.allocate`. Products stay below 2⁶³ only for amounts under
`VECTOR_LIMIT_MINOR`; a run holding a larger amount is split by `splits.split` one at a time.
The owner fee of a part is its amount × the fee percentage, rounded half to even, in integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from clearinghouse.core.shares import FULL_SHARE_PPM
from clearinghouse.royalties.splits import split

VECTOR_LIMIT_MINOR = (2**63 - 1) // FULL_SHARE_PPM


@dataclass(frozen=True)
class SplitParts:
    """The parts of many amounts, flat: part i belongs to amount `amount_index[i]`; a part with
    `party_id` None is that amount's unheld share."""

    amount_index: np.ndarray  # int64
    party_ids: list[str | None]
    share_ppm: np.ndarray  # int64
    amount_minor: np.ndarray  # int64


def split_amounts(totals: Sequence[int], shares: Sequence[Sequence[tuple[str, int]]]) -> SplitParts:
    """Each total among its (party_id, ppm) shares (each listing's shares positive and summing to
    at most 100%, as `splits.split` requires), by largest remainder."""
    index: list[int] = []
    parties: list[str | None] = []
    weights: list[int] = []
    for i, listing in enumerate(shares):
        ordered = sorted(listing)
        held = sum(ppm for _, ppm in ordered)
        index.extend([i] * (len(ordered) + 1))
        parties.extend([pid for pid, _ in ordered] + [None])
        weights.extend([ppm for _, ppm in ordered] + [FULL_SHARE_PPM - held])
    amount_index = np.array(index, np.int64)
    share_ppm = np.array(weights, np.int64)
    if totals and max(abs(t) for t in totals) >= VECTOR_LIMIT_MINOR:
        parts = [p.amount_minor for t, listing in zip(totals, shares, strict=True)
                 for s in [split(t, listing)] for p in (*s.parts, _Unheld(s.unheld_minor))]
        return SplitParts(amount_index, parties, share_ppm, np.array(parts, np.int64))
    total = np.array(totals, np.int64)
    magnitude = np.abs(total)[amount_index]
    product = magnitude * share_ppm
    floor, remainder = product // FULL_SHARE_PPM, product % FULL_SHARE_PPM
    handed = np.zeros(len(totals), np.int64)
    np.add.at(handed, amount_index, floor)
    short = np.abs(total) - handed
    # Rank each part within its amount: largest remainder first, then the order listed.
    position = np.arange(len(amount_index))
    order = np.lexsort((position, -remainder, amount_index))
    starts = np.searchsorted(amount_index[order], amount_index[order], side="left")
    rank = np.empty_like(position)
    rank[order] = position - starts
    amount = floor + (rank < short[amount_index])
    return SplitParts(amount_index, parties, share_ppm, np.sign(total)[amount_index] * amount)


@dataclass(frozen=True)
class _Unheld:
    amount_minor: int


def owner_fees(amount_minor: np.ndarray, owner_pct: Decimal) -> np.ndarray:
    """round_half_even(amount × owner_pct / 100) for each amount, in integers."""
    numerator, denominator = owner_pct.as_integer_ratio()
    scaled = amount_minor.astype(object) * numerator  # object: no overflow for any percentage
    whole, rest = scaled // (100 * denominator), scaled % (100 * denominator)
    twice = rest * 2
    up = (twice > 100 * denominator) | ((twice == 100 * denominator) & (whole % 2 == 1))
    return (whole + up).astype(np.int64)
