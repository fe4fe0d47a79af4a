"""Matching a lake larger than DuckDB may hold: under a tiny memory limit it spills to its temp
folder and still writes every line to exactly one outcome, with the plays adding up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.royalties.pipeline.match import Inputs
from clearinghouse.royalties.pipeline.run import Outcome, match_to_lake, outcome_file
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA

PERIOD, REPORTER, WORKS, LINES = "2026-06", "pty_platform", 500, 600_000
TINY = "128MB"  # 64MB is below what the plan needs even when spilling (its fixed buffers)


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _lake(root: Path) -> tuple[Lake, Path, dict[str, int]]:
    """LINES lines naming one of WORKS licences: even line numbers in CN (covered by both
    co-holders' lines), odd ones in HK (unlicensed); and the plays each outcome should hold."""
    lake = Lake(root / "lake")
    path = lake.file(Area.USAGE, PERIOD, REPORTER, "rpt_big")
    path.parent.mkdir(parents=True)
    n = np.arange(LINES)
    plays = (n % 997) + 1
    in_cn = n % 2 == 0
    pq.write_table(pa.table({
        "report_id": pa.repeat("rpt_big", LINES), "reporter_id": pa.repeat(REPORTER, LINES),
        "line_no": pa.array(n + 2), "period": pa.repeat(PERIOD, LINES),
        "usage_date": pa.array(np.datetime64("2026-06-01") + n % 30).cast(pa.date32()),
        "channel": pa.repeat("douyin", LINES),
        "territory": pa.array(np.where(in_cn, "CN", "HK")),
        "kind": pa.repeat("plays", LINES), "plays": pa.array(plays), "copies": pa.repeat(0, LINES),
        "unique_viewers": pa.nulls(LINES, pa.int64()),
        "revenue_minor": pa.nulls(LINES, pa.int64()), "currency": pa.nulls(LINES, pa.string()),
        "license_id": _ids("lic_", (n // 2) % WORKS),
        **{c: pa.nulls(LINES, pa.string())
           for c in ("work_id", "isrc", "iswc", "platform_content_id", "title", "right")},
    }, schema=USAGE_LINE_SCHEMA), path)
    grants = root / "grants"
    grants.mkdir()
    w = np.arange(WORKS)
    rows = np.repeat(w, 2)  # two co-holders' lines per licence
    tables = {
        "grants": {"license_id": _ids("lic_", rows), "work_id": _ids("wrk_", rows),
                   "line_id": pc.binary_join_element_wise(_ids("lic_", rows),
                                                          _ids("", np.tile([0, 1], WORKS)), "_"),
                   "right": pa.repeat("synchronisation", 2 * WORKS),
                   "licensee_id": pa.repeat(REPORTER, 2 * WORKS),
                   "country": pa.repeat("CN", 2 * WORKS), "channel": pa.repeat("douyin", 2 * WORKS),
                   "valid_from": pa.repeat(pa.scalar(date(2026, 1, 1)), 2 * WORKS),
                   "valid_to": pa.repeat(pa.scalar(date(2027, 1, 1)), 2 * WORKS),
                   "status": pa.repeat("active", 2 * WORKS)},
        "licences": {"license_id": _ids("lic_", w), "licensee_id": pa.repeat(REPORTER, WORKS),
                     "max_plays": pa.nulls(WORKS, pa.int64()),  # no bound on the uses
                     "max_copies": pa.nulls(WORKS, pa.int64())},
        "licence_works": {"license_id": _ids("lic_", w), "work_id": _ids("wrk_", w)},
        "works": {"work_id": _ids("wrk_", w)},
    }
    for name, schema in inputs.SCHEMAS.items():
        pq.write_table(pa.table(tables.get(name) or {f.name: pa.array([], f.type) for f in schema},
                                schema=schema), grants / f"{name}.parquet")
    expected = {"matched": 2 * int(plays[in_cn].sum()), "unlicensed": int(plays[~in_cn].sum()),
                "unmatched": 0}
    return lake, grants, expected


def _match(lake: Lake, grants: Path, root: Path, **limits: object):
    eng = connect("duckdb", memory_limit=TINY, threads=1, **limits)
    tables = Inputs(**{name: eng.read_parquet([grants / f"{name}.parquet"], schema)
                       for name, schema in inputs.SCHEMAS.items()})
    usage = [lake.file(Area.USAGE, PERIOD, REPORTER, "rpt_big")]
    return match_to_lake(eng, tables, usage, PERIOD, lake, root / "work",
                         days=(date(2026, 6, 1), date(2026, 7, 1)))


def test_a_lake_larger_than_the_memory_limit_matches_by_spilling_with_every_play_counted(tmp_path):  # noqa: ANN001
    lake, grants, expected = _lake(tmp_path)
    # The same plan with nowhere to spill does not fit the limit: the lake is larger than it.
    with pytest.raises(duckdb.OutOfMemoryException):
        _match(lake, grants, tmp_path, temp_directory="")

    counts = _match(lake, grants, tmp_path, temp_directory=tmp_path / "spill")

    assert (counts.lines, counts.matched_rows, counts.unlicensed, counts.unmatched) == \
        (LINES, LINES, LINES // 2, 0)
    for outcome in Outcome:
        table = pq.read_table(outcome_file(lake, outcome, PERIOD), columns=["plays", "line_no"])
        assert (pc.sum(table["plays"]).as_py() or 0) == expected[outcome.value], outcome
    matched = pq.read_table(outcome_file(lake, Outcome.MATCHED, PERIOD))
    assert matched.group_by("license_line_id").aggregate([]).num_rows == 2 * WORKS
    assert not list(lake.root.rglob("*.partial"))
