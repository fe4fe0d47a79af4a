"""The earnings page's sums (royalties/earnings.py), by hand: never across currencies, a line of
several platforms counted once under their combination, so every grouping adds up to the total."""

from __future__ import annotations

from clearinghouse.royalties.earnings import (
    EarnedLine,
    by_platform,
    by_territory,
    by_work,
    paid_by_period,
    totals_by_period,
)

LINES = [
    EarnedLine("2026-07", "wrk_a", ("douyin",), ("CN",), "CNY", 90_000, 105_000, "CNY"),
    EarnedLine("2026-06", "wrk_a", ("douyin",), ("CN",), "CNY", 44_998, 52_498, "CNY"),
    EarnedLine("2026-06", "wrk_b", ("douyin", "kuaishou"), ("CN", "HK"), "CNY", 1_001, 1_200, "CNY"),
    EarnedLine("2026-06", "wrk_b", ("youtube",), ("US",), "USD", 250, 300, "USD"),
]


def test_totals_per_period_and_currency_oldest_first():
    assert totals_by_period(LINES) == {"2026-06": {"CNY": 45_999, "USD": 250},
                                       "2026-07": {"CNY": 90_000}}
    assert list(totals_by_period(LINES)) == ["2026-06", "2026-07"]
    assert paid_by_period(LINES) == {"2026-06": {"CNY": 53_698, "USD": 300},
                                     "2026-07": {"CNY": 105_000}}


def test_each_grouping_adds_up_to_the_total_per_currency_largest_first():
    june = [ln for ln in LINES if ln.period == "2026-06"]
    assert by_platform(june) == {"CNY": [("douyin", 44_998), ("douyin kuaishou", 1_001)],
                                 "USD": [("youtube", 250)]}
    assert by_territory(june) == {"CNY": [("CN", 44_998), ("CN HK", 1_001)], "USD": [("US", 250)]}
    assert by_work(LINES) == {"CNY": [("wrk_a", 134_998), ("wrk_b", 1_001)], "USD": [("wrk_b", 250)]}
    for grouping in (by_platform, by_territory, by_work):
        for currency, bars in grouping(june).items():
            assert sum(m for _, m in bars) == totals_by_period(june)["2026-06"][currency]
