"""Usage metrics from clean events, checked against figures worked out by hand
(tests/analytics/metrics_data.py): MAU, average DAU, DAU/MAU, launches and minutes per user
per day, penetration, growth, overlap and demographics — with every cell about fewer than k
people suppressed, and the one cell a subtraction would give back suppressed too; the same
numbers on DuckDB and on Spark."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clearinghouse.analytics.metrics import service
from clearinghouse.analytics.metrics.privacy import suppressed_keys
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.usage.cleaning.events import EVENT_SCHEMA
from tests.analytics.metrics_data import write_lake

K = 50


@pytest.fixture(scope="module")
def lake_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_lake(tmp_path_factory.mktemp("events"))


def _all(engine: Any, files: list[Path]) -> tuple[Any, Any, Any]:
    events = engine.read_parquet(files, EVENT_SCHEMA)
    return (service.monthly(engine, events, K), service.overlap(engine, events, K),
            service.demographics(engine, events, "gender", K))


def test_small_cells_and_the_cell_a_subtraction_would_reveal_are_suppressed() -> None:
    assert suppressed_keys({"female": 150, "male": 140, "unknown": 10}, 50) == {"unknown", "male"}
    assert suppressed_keys({"female": 150, "male": 140, "a": 10, "b": 5}, 50) == {"a", "b"}
    assert suppressed_keys({"female": 150, "male": 140}, 50) == set()


def test_metrics_match_the_figures_worked_out_by_hand(lake_files: list[Path]) -> None:
    monthly, pairs, gender = _all(connect("duckdb"), lake_files)
    by = {(r.platform, r.month): r for r in monthly}
    june = by[("douyin", "2026-06")]
    # 300 devices, 100 each active 1, 2 and 3 days: 600 user-days over 3 days.
    assert (june.mau, june.dau, june.dau_mau) == (300, Decimal("200.0000"), Decimal("0.6667"))
    assert (june.launches_per_user_day, june.minutes_per_user_day) == (Decimal("1.0000"),
                                                                       Decimal("2.0000"))
    assert june.plays == 600 and june.platform_type == "general"
    assert june.penetration == Decimal("0.7317")  # 300 of 410 users seen (bilibili's 30 count)
    assert june.mau_growth == Decimal("0.2500")  # 240 in May
    kuaishou = by[("kuaishou", "2026-06")]
    assert (kuaishou.mau, kuaishou.dau, kuaishou.penetration) == (200, Decimal("133.0000"),
                                                                  Decimal("0.4878"))
    assert kuaishou.mau_growth is None  # no May to grow from
    small = by[("bilibili", "2026-06")]
    assert small.mau is None and small.dau is None and small.plays is None  # 30 < k

    (pair,) = [p for p in pairs if p.month == "2026-06" and {p.a, p.b} == {"douyin", "kuaishou"}]
    assert (pair.a, pair.b, pair.both) == ("douyin", "kuaishou", 120)
    assert (pair.share_of_union, pair.share_of_a, pair.share_of_b) == (
        Decimal("0.3158"), Decimal("0.4000"), Decimal("0.6000"))
    assert all(p.both is None for p in pairs if "bilibili" in (p.a, p.b))

    cells = {c.value: c for c in gender if (c.platform, c.month) == ("douyin", "2026-06")}
    assert (cells["female"].users, cells["female"].share) == (150, Decimal("0.5000"))
    # 10 of unknown gender are under k; male (140) would be 300 − 150 − 10: hidden as well.
    assert cells["unknown"].users is None and cells["male"].users is None


def test_the_same_metrics_on_spark(lake_files: list[Path], spark: Any) -> None:
    assert _all(connect("spark", spark_session=spark), lake_files) == _all(connect("duckdb"),
                                                                          lake_files)
