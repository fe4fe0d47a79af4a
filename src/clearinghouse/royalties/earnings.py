"""A party's earnings from its statement lines, summed for the earnings page. Pure.

Amounts are what the holder is paid (`holder_payout_minor`, in its payout currency), summed per
currency and never across currencies. A line rated for several platforms or territories counts
once, under their combination ("douyin kuaishou"), so the bars add up to the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EarnedLine:
    period: str
    work_id: str
    channels: tuple[str, ...]
    territories: tuple[str, ...]
    currency: str  # the payout currency
    amount_minor: int  # paid to the holder
    paid_minor: int  # what the licensee paid for the line: due + its fee (licence currency)
    license_currency: str


def totals_by_period(lines: Iterable[EarnedLine]) -> dict[str, dict[str, int]]:
    """period → currency → earned, periods oldest first."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        out[line.period][line.currency] += line.amount_minor
    return {p: dict(sorted(out[p].items())) for p in sorted(out)}


def paid_by_period(lines: Iterable[EarnedLine]) -> dict[str, dict[str, int]]:
    """The licensee's side: period → licence currency → paid, periods oldest first."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        out[line.period][line.license_currency] += line.paid_minor
    return {p: dict(sorted(out[p].items())) for p in sorted(out)}


def _grouped(lines: Iterable[EarnedLine], key: Callable[[EarnedLine], str]
             ) -> dict[str, list[tuple[str, int]]]:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        sums[line.currency][key(line)] += line.amount_minor
    # Largest first; equal amounts by name so the order never depends on the database's.
    return {cur: sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
            for cur, per in sorted(sums.items())}


def by_platform(lines: Iterable[EarnedLine]) -> dict[str, list[tuple[str, int]]]:
    return _grouped(lines, lambda ln: " ".join(ln.channels) or "—")


def by_territory(lines: Iterable[EarnedLine]) -> dict[str, list[tuple[str, int]]]:
    return _grouped(lines, lambda ln: " ".join(ln.territories) or "—")


def by_work(lines: Iterable[EarnedLine]) -> dict[str, list[tuple[str, int]]]:
    return _grouped(lines, lambda ln: ln.work_id)
