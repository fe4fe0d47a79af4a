"""Basic audio revenue pools: a DSR summary record's revenue shared among the SU01/SU02 records
that point to it, pro rata by usage, largest remainder to the cent (hand-computed examples),
and the allocation against the largest-remainder rule written out in exact integers."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import date

from clearinghouse.usage.formats.dsr import read_dsr
from clearinghouse.usage.formats.dsr_pools import Allocation, Pool
from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine
from tests.usage import dsr_files as f

TODAY = date(2026, 11, 30)


def _read(data: bytes) -> list[UsageLine | Rejection]:
    return list(read_dsr(io.BytesIO(data), period="2026-10", today=TODAY))


def _sy02(usages: str, revenue: str, allocated_usages: str = "", allocated_revenue: str = "") -> list[str]:
    # SY02 cells 13-17: RightsController, its PartyId, AllocatedUsages, AllocatedRevenue,
    # AllocatedNetRevenue.
    record = f.summary()
    record[8], record[11] = usages, revenue
    return [*record, "Label", "PADPIDA0000000003Z", allocated_usages, "", allocated_revenue]


def _parts(pool: Pool, usages: list[int]) -> list[int]:
    allocation = Allocation(pool, Counter(usages))
    return [allocation.take(u) for u in usages]


def test_odd_cents_go_to_the_largest_remainders_then_to_the_earlier_record() -> None:
    # 100.00 over three equal records: 33.333… each; the one cent left to the first.
    assert _parts(Pool(10_000, None), [1, 1, 1]) == [3_334, 3_333, 3_333]
    # 10.01 over 1:1: 500.5 each, the tie to the first.
    assert _parts(Pool(1_001, None), [7, 7]) == [501, 500]
    # 0.10 over 1, 2, 3, 4 usages of 10: exact, nothing left over.
    assert _parts(Pool(10, 10), [1, 2, 3, 4]) == [1, 2, 3, 4]
    # 1.00 over 2 and 1 of the summary's 6 usages: the file's records share 0.50 → 33.3 and 16.7
    # → 33 and 17 (0.7 is the larger remainder).
    assert _parts(Pool(100, 6), [2, 1]) == [33, 17]
    assert _parts(Pool(100, 6), []) == []
    assert _parts(Pool(100, 0), [0, 0]) == [0, 0]


def test_a_summarys_revenue_is_shared_by_the_streams_of_the_file() -> None:
    records = [f.head(), _sy02("4000", "100.01"),
               f.resource("1"), f.streams("1", usages="1500"),
               f.resource("2", reference="2", dsp_id="RES-2", isrc="CNA011700002"),
               f.streams("2", resource_ref="2", usages="1000", transaction="T-2"),
               f.streams("2", resource_ref="9", usages="500", transaction="T-3")]  # no resource 9
    results = _read(f.dsr_bytes(records))
    # The file reports 2,500 of the summary's 4,000 streams: 100.01 × 2500/4000 = 62.50625 →
    # 6251 fen, shared 1500:1000 → 3750.6 and 2500.4 → 3751 and 2500. The refused record
    # gets nothing and takes nothing from the others.
    assert [(r.plays, r.revenue_minor, r.currency) for r in results if isinstance(r, UsageLine)] == [
        (1500, 3_751, "CNY"), (1000, 2_500, "CNY")]
    assert [(r.line_no, r.reason) for r in results if isinstance(r, Rejection)] == [
        (7, RejectionReason.BAD_VALUE)]


def test_the_part_allocated_to_the_rights_controller_is_shared_when_given() -> None:
    records = [f.head(), _sy02("90000", "9000.00", allocated_usages="1510", allocated_revenue="50.00"),
               *f.basic_audio()[2:]]
    got = [(r.plays, r.revenue_minor) for r in _read(f.dsr_bytes(records)) if isinstance(r, UsageLine)]
    # 50.00 over 1,510 allocated streams: 1500 → 4966.89, 10 → 33.11: 4967 and 33.
    assert got == [(1500, 4_967), (10, 33)]


def test_a_record_with_its_own_revenue_keeps_it_and_a_summary_without_revenue_shares_none() -> None:
    records = [f.head(), _sy02("1000", ""), f.resource("1"), f.streams("1", usages="10")]
    (line,) = _read(f.dsr_bytes(records))
    assert isinstance(line, UsageLine) and line.revenue_minor is None


def test_a_stream_that_cannot_be_read_twice_gets_no_pool_revenue() -> None:
    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
            chunk = self._data.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    lines = list(read_dsr(io.BufferedReader(OneWay(f.dsr_bytes(f.basic_audio()))),
                          period="2026-10", today=TODAY))
    assert [line.revenue_minor for line in lines if isinstance(line, UsageLine)] == [None, None]


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def test_random_pools_split_by_largest_remainder_ties_to_the_earlier_record() -> None:
    rng = random.Random(14)
    for _ in range(500):
        usages = [rng.choice([0, 1, 2, 3, 7, 10, 1000, rng.randrange(1, 10**6)])
                  for _ in range(rng.randint(1, 30))]
        if not any(usages):
            continue
        revenue = rng.randrange(0, 10**7)
        parts = _parts(Pool(revenue, None), usages)
        assert parts == _largest_remainder(revenue, usages), (revenue, usages)
        assert sum(parts) == revenue
