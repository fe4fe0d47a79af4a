"""Matching and rating at scale: a usage lake of `--lines` landed lines (generated straight
into Parquet a million lines at a time, never held in memory), then the period's matching as
`royalties/pipeline/run.match_to_lake` runs it (the three outcome files) and the rating as
`runs_service` does it (`matched_usage.summed` per licence line, then `domain.rate_line` on each
line's sums), on DuckDB under its configured memory limit.

    PYTHONPATH=src .venv/bin/python -m bench.usage_scale [--lines 100000000] [--works 20000]
        [--per-report 10000000] [--memory-limit 2GB] [--threads 2] [--seed 7] [--keep]

The lake is what `bench.usage` lands from its CSV (same licences, same mix: about 92% covered,
the rest in HK or on bilibili), spread over reports of `--per-report` lines. Ingest is measured
by `bench.usage`; this adds the stages after it. Prints per stage: wall seconds, CPU seconds
(all threads of this process), lines per CPU-second and the peak RSS of the whole process
(DuckDB's memory included: it runs in this process).
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.usage import END, OUT, PERIOD, REPORTER, START, _s, peak_mb, write_grants
from clearinghouse.royalties.domain import Carried, FeeRates, LineTerms, PeriodUsage, Revenue, rate_line
from clearinghouse.royalties.fx import PeriodRates
from clearinghouse.royalties.matched_usage import summed
from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.royalties.pipeline.match import Inputs
from clearinghouse.royalties.pipeline.run import Outcome, match_to_lake, outcome_file
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA

CHUNK = 1_000_000
PER_1000_PLAYS_MINOR = 350  # 3.50 CNY per 1,000 plays, each co-holder's line


def generate_lake(lake: Lake, lines: int, works: int, per_report: int, seed: int) -> list[Path]:
    """Report files of landed usage lines, written a chunk at a time."""
    rng = np.random.default_rng(seed)
    paths = []
    for first in range(0, lines, per_report):
        report_id = f"rpt_scale_{first // per_report:04d}"
        path = lake.file(Area.USAGE, PERIOD, REPORTER, report_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(path, USAGE_LINE_SCHEMA, compression="zstd") as writer:
            for start in range(first, min(first + per_report, lines), CHUNK):
                n = min(CHUNK, lines - start, first + per_report - start)
                writer.write_table(_chunk(rng, report_id, start - first, n, works))
        paths.append(path)
    return paths


def _chunk(rng: np.random.Generator, report_id: str, line0: int, n: int, works: int) -> pa.Table:
    w = rng.integers(0, works, n)
    odd = rng.random(n)
    plays = rng.integers(1, 5000, n)
    return pa.table({
        "report_id": pa.repeat(report_id, n), "reporter_id": pa.repeat(REPORTER, n),
        "line_no": pa.array(np.arange(line0 + 2, line0 + 2 + n)),
        "period": pa.repeat(PERIOD, n),
        "usage_date": pa.array(np.datetime64(START) + rng.integers(0, 30, n)).cast(pa.date32()),
        "channel": pa.array(np.where((odd > 0.92) & (odd <= 0.95), "bilibili",
                                     np.where(w % 2 == 0, "douyin", "kuaishou"))),
        "territory": pa.array(np.where(odd > 0.95, "HK", "CN")),
        "kind": pa.repeat("plays", n), "plays": pa.array(plays), "copies": pa.repeat(0, n),
        "unique_viewers": pa.array(np.maximum(plays // 3, 1)),
        "revenue_minor": pa.array(plays * 7), "currency": pa.repeat("CNY", n),
        "license_id": pc.binary_join_element_wise("lic_", _s(w), ""),
        "work_id": pa.nulls(n, pa.string()),
        "isrc": pc.binary_join_element_wise("CNA01", pc.utf8_lpad(_s(w), 7, "0"), ""),
        **{name: pa.nulls(n, pa.string()) for name in
           ("iswc", "platform_content_id", "title", "right")},
    }, schema=USAGE_LINE_SCHEMA)


def rate(matched: Path) -> tuple[int, int]:
    """What `runs_service.run_period` does before posting: sums per licence line, then the
    domain's rating of each line. Returns (lines rated, total payable in minor units)."""
    per_line, _ = summed(matched)
    rates, fees = PeriodRates(), FeeRates(Decimal(5), Decimal(10))
    payable = 0
    for line_id, usage in sorted(per_line.items()):
        license_id = line_id.rsplit("_", 1)[0]
        terms = LineTerms(license_id=license_id, line_id=line_id, work_id=usage.work_id,
                          right="synchronisation", holder_id=f"pty_holder_{line_id[-1]}",
                          licensee_id=REPORTER, currency="CNY", license_currency="CNY",
                          per_1000_plays_minor=PER_1000_PLAYS_MINOR)
        period_usage = PeriodUsage(usage.plays, usage.copies,
                                   tuple(Revenue(m, c) for c, m in sorted(usage.revenue.items())))
        rating = rate_line(terms, PERIOD, period_usage, Carried.start(terms), rates, fees, None)
        payable += rating.holder_payout_minor
    return len(per_line), payable


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """result, wall seconds, CPU seconds, peak RSS (MB) of the process so far."""
    began, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - began, time.process_time() - cpu, peak_mb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--per-report", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the generated lake")
    args = parser.parse_args()
    root = OUT / f"scale-{args.lines}-{args.works}-{args.seed}"
    lake = Lake(root / "lake")
    marker = root / "generated"
    if not (args.keep and marker.exists()):
        shutil.rmtree(root, ignore_errors=True)
        _, wall, cpu, peak = timed(lambda: generate_lake(lake, args.lines, args.works,
                                                         args.per_report, args.seed))
        write_grants(root / "grants", args.works)
        marker.touch()
        print(f"generated {args.lines:,} lines in {wall:.0f} s ({cpu:.0f} CPU-s, {peak:,.0f} MB)")
    paths = sorted(lake.partition(Area.USAGE, PERIOD).rglob("*.parquet"))
    shutil.rmtree(lake.root / "_work", ignore_errors=True)

    eng = connect("duckdb", memory_limit=args.memory_limit, threads=args.threads,
                  temp_directory=lake.root / "_work" / "spill")
    tables = Inputs(**{name: eng.read_parquet([root / "grants" / f"{name}.parquet"], schema)
                       for name, schema in inputs.SCHEMAS.items()})
    counts, m_wall, m_cpu, m_peak = timed(lambda: match_to_lake(
        eng, tables, paths, PERIOD, lake, lake.root / "_work", days=(START, END)))
    (rated, payable), r_wall, r_cpu, r_peak = timed(
        lambda: rate(outcome_file(lake, Outcome.MATCHED, PERIOD)))
    n = args.lines
    print(f"\n{n:,} lines, {args.works:,} licences, DuckDB memory limit {args.memory_limit}; "
          f"{counts}; {rated:,} licence lines rated, {payable:,} minor paid out")
    print(f"{'stage':<22}{'wall s':>9}{'CPU s':>9}{'lines/CPU-s':>13}{'peak RSS MB':>13}")
    for stage, wall, cpu, peak in (("match (3 outcomes)", m_wall, m_cpu, m_peak),
                                   ("rate (sum + rate)", r_wall, r_cpu, r_peak),
                                   ("match + rate", m_wall + r_wall, m_cpu + r_cpu,
                                    max(m_peak, r_peak))):
        print(f"{stage:<22}{wall:>9.1f}{cpu:>9.1f}{n / cpu:>13,.0f}{peak:>13,.0f}")


if __name__ == "__main__":
    main()
