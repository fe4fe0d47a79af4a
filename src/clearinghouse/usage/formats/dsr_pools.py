"""A DSR summary record's revenue shared among its detail records, pro rata by usage. Pure.

In the basic audio profile the money is in the summary record (SY01-SY03 NetRevenue, or SY02's
AllocatedNetRevenue for the rights controller the file is for), not in the SU01/SU02 records
that point to it. Each detail record's part is the pool's revenue × its usages / the pool's
usages, in whole minor units by largest remainder: every record gets its exact part rounded
down, and the minor units left over go one each to the records with the largest remainders,
ties to the record earlier in the file. So the parts add up exactly to the pool's share of the
usages the file reports (all of it when they are all the pool's usages), and a rerun gives the
same cents to the same records.

The reader makes two passes over a file with pools: the first counts each pool's accepted
detail records by usage count (`PoolCounts`), the second takes each record's part from the
`Allocation` in file order. Memory: one counter per distinct usage count per pool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from clearinghouse.usage.formats.dsr_cells import net_revenue, usage_count
from clearinghouse.usage.formats.dsr_layout import Cell, Layout


@dataclass(frozen=True)
class Pool:
    """A summary record's revenue (minor units) and the usages it pays for (None: only the ones
    the file reports)."""

    revenue_minor: int
    usages: int | None


def pool_of(layout: Layout, cell_value: Callable[[Cell], str], currency: str | None) -> Pool | None:
    """A basic audio summary record's pool: the rights controller's allocated part when the
    record gives one, else its whole NetRevenue and Usages; None without revenue.
    `cell_value` reads one of the record's cells (empty when absent)."""
    names = ("allocated_net_revenue", "allocated_usages")
    if names[0] not in layout or not cell_value(layout[names[0]]):
        names = ("net_revenue", "usages")
    if names[0] not in layout or not (revenue := cell_value(layout[names[0]])):
        return None
    usages = cell_value(layout[names[1]])
    return Pool(net_revenue(revenue, currency),
                usage_count(usages, layout[names[1]].names[0]) if usages else None)


@dataclass
class PoolCounts:
    """First pass: per summary record id, how many accepted detail records have each count."""

    by_pool: dict[str, Counter[int]] = field(default_factory=dict)

    def add(self, summary_id: str, usages: int) -> None:
        self.by_pool.setdefault(summary_id, Counter())[usages] += 1


class Allocation:
    """One pool's parts, handed out a record at a time in file order."""

    def __init__(self, pool: Pool, counts: Counter[int]) -> None:
        reported = sum(u * n for u, n in counts.items())
        # Parts are total × u / reported: `numerator` × u / `divisor`.
        self.numerator, self.divisor = 0, reported
        self.threshold, self.at_threshold = reported, 0  # nobody gets a unit more
        if reported == 0:
            return
        # The total the reported records share: the pool's revenue for their usages (all of it
        # unless the summary counts more usages than the file reports), half to even.
        paid_for = max(pool.usages or 0, reported)
        total = self.numerator = round_half_even_fraction(pool.revenue_minor * reported, paid_for)
        floors = sum((total * u // reported) * n for u, n in counts.items())
        left = total - floors
        # The `left` largest remainders get one more unit: every record above the threshold
        # remainder, and the first `at_threshold` records at it.
        by_remainder: Counter[int] = Counter()
        for u, n in counts.items():
            by_remainder[total * u % reported] += n
        for remainder in sorted(by_remainder, reverse=True):
            if left <= 0:
                break
            n = by_remainder[remainder]
            self.threshold, self.at_threshold = remainder, min(n, left)
            left -= n

    def take(self, usages: int) -> int:
        """The next record's part (records must come in file order, as counted)."""
        if self.divisor == 0:
            return 0
        whole, remainder = divmod(self.numerator * usages, self.divisor)
        if remainder > self.threshold:
            return whole + 1
        if remainder == self.threshold and self.at_threshold > 0:
            self.at_threshold -= 1
            return whole + 1
        return whole


def round_half_even_fraction(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half to even, in integers (no Decimal context limits)."""
    whole, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and whole % 2 == 1):
        return whole + 1
    return whole

