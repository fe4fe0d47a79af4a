"""The same cleaning code on local Spark gives the same outcome, event by event, as on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pytest

from clearinghouse.usage.cleaning import Rule, clean_event_file
from tests.usage.cleaning.logs import stage_bytes
from tests.usage.cleaning.traffic import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark_backend(spark: Any) -> ibis.BaseBackend:
    """Ibis over the suite's one local Spark session (tests/support/spark.py)."""
    return ibis.pyspark.connect(spark)


def outcome(con: ibis.BaseBackend, events: Path) -> tuple[dict[int, str], list[dict]]:
    cleaned = clean_event_file(con, str(events))
    removed = cleaned.removed.select("line_no", "rule").to_pyarrow().to_pylist()
    lines = cleaned.usage_lines(report_id="rep_1", reporter_id="pty_dy", period="2026-10").to_pylist()
    return {r["line_no"]: r["rule"] for r in removed}, lines


def test_spark_and_duckdb_remove_the_same_events_and_count_the_same_plays(spark_backend: ibis.BaseBackend,
                                                                          tmp_path: Path):
    _, events, _ = stage_bytes(generate(seed=7, people=8).csv_bytes(), tmp_path)
    on_duckdb = outcome(ibis.duckdb.connect(), events)
    on_spark = outcome(spark_backend, events)
    assert set(on_duckdb[0].values()) == {rule.value for rule in Rule}  # every rule had work to do
    assert on_spark == on_duckdb
