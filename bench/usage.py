"""Usage benchmark: an aggregated usage CSV through ingest, matching and a stand-in for rating,
and a straightforward pandas implementation of the same rules on a sample (ratio).

    PYTHONPATH=src .venv/bin/python -m bench.usage [--lines 5000000] [--works 20000]
        [--sample 5000000] [--per-line-sample 200000] [--seed 7] [--dmp-rows 200000]
        [--dmp-works 1000]

Generates (streaming, vectorised) `bench/out/usage-<lines>-<works>-<seed>.csv` once: one
licensee reporting June 2026 under `--works` licences (one work each, licensed on 抖音 and 快手
in CN for 2026, two co-holders' lines), about 92% covered, the rest in HK or on bilibili
(unlicensed), 0.1% bad lines (negative plays, unknown territory). Then, in one process:
- ingest: `usage/landing_batches.land_csv` (the vectorised reader, screening, the lake writer);
  the per-line reader (`aggregate.read_csv`) on `--per-line-sample` lines for the ratio;
- match: `royalties/pipeline/match` on DuckDB over the landed Parquet (run_matching without the
  export of the SQL tables, which this bench writes as Parquet directly);
- rate: a DuckDB aggregation per licence line standing in for the runs' rating;
- pandas: read, validate, join to the grants, group per licence line, on `--sample` lines;
  ours (ingest + match + rate) on the same sample, for the ratio;
- JSON Lines: the per-line sample written as JSON Lines, read per line and vectorised;
- django-music-publisher: its royalty calculation against ours on one statement
  (`bench/usage_dmp.py`, `--dmp-rows 0` skips it).
Prints a table: lines/s per stage, peak RSS (this process so far, DuckDB's memory included:
it runs in-process), and the ratios. Matching and rating at 10–100 M lines: `bench.usage_scale`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.royalties.pipeline.match import Inputs, match
from clearinghouse.royalties.pipeline.run import SCHEMAS, Outcome
from clearinghouse.usage.domain import ReporterScope
from clearinghouse.usage.formats.aggregate import read_csv, read_jsonl
from clearinghouse.usage.formats.jsonl_fast import read_jsonl_batches
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.lake_writer import LakeWriter
from clearinghouse.usage.landing_batches import land_csv
from clearinghouse.usage.records import USAGE_LINE_SCHEMA, Rejection

OUT = Path(__file__).parent / "out"
PERIOD, START, END, TODAY = "2026-06", date(2026, 6, 1), date(2026, 7, 1), date(2026, 11, 30)
REPORTER = "pty_bench"
HEADER = ["date", "license_id", "isrc", "territory", "channel", "plays", "unique_viewers",
          "revenue", "currency"]
CHUNK = 1_000_000
RATE_PER_1000_MINOR = 350  # the stand-in rate: 3.50 CNY per 1,000 plays


def _s(values: Any) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def generate(path: Path, lines: int, works: int, seed: int) -> None:
    """The usage CSV, a million lines at a time (unquoted, as platforms export it)."""
    rng = np.random.default_rng(seed)
    temp = path.with_suffix(".partial")
    with temp.open("wb") as out:
        out.write((",".join(HEADER) + "\n").encode())
        for start in range(0, lines, CHUNK):
            n = min(CHUNK, lines - start)
            w = rng.integers(0, works, n)
            odd = rng.random(n)
            plays = rng.integers(1, 5000, n)
            plays_text = pc.if_else(pa.array(odd < 0.0005), _s(-plays), _s(plays))
            cents = plays * 7
            table = pa.table({
                "date": pc.cast(pa.array(np.datetime64(START) + rng.integers(0, 30, n)), pa.string()),
                "license_id": pc.binary_join_element_wise("lic_", _s(w), ""),
                "isrc": pc.binary_join_element_wise("CNA01", pc.utf8_lpad(_s(w), 7, "0"), ""),
                "territory": pa.array(np.where(odd > 0.9995, "ZZ", np.where(odd > 0.95, "HK", "CN"))),
                "channel": pa.array(np.where((odd > 0.92) & (odd <= 0.95), "bilibili",
                                             np.where(w % 2 == 0, "douyin", "kuaishou"))),
                "plays": plays_text,
                "unique_viewers": _s(np.maximum(plays // 3, 1)),
                "revenue": pc.binary_join_element_wise(
                    _s(cents // 100), pc.utf8_lpad(_s(cents % 100), 2, "0"), "."),
                "currency": pa.repeat("CNY", n),
            })
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    temp.replace(path)


def write_grants(folder: Path, works: int) -> None:
    """The exported SQL tables (`inputs.SCHEMAS`) for the generated licences, as Parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    w = np.arange(works)
    lic, wrk = pc.binary_join_element_wise("lic_", _s(w), ""), pc.binary_join_element_wise("wrk_", _s(w), "")

    def write(name: str, columns: dict[str, Any]) -> None:
        pq.write_table(pa.table(columns, schema=inputs.SCHEMAS[name]), folder / f"{name}.parquet")

    grant_rows = np.repeat(w, 2)  # two co-holders' lines per licence
    holder = np.tile([0, 1], works)
    channel = np.where(grant_rows % 2 == 0, "douyin", "kuaishou")
    n = len(grant_rows)
    write("grants", {
        "license_id": pc.take(lic, grant_rows), "work_id": pc.take(wrk, grant_rows),
        "line_id": pc.binary_join_element_wise(pc.take(lic, grant_rows), _s(holder), "_"),
        "right": pa.repeat("synchronisation", n), "licensee_id": pa.repeat(REPORTER, n),
        "country": pa.repeat("CN", n), "channel": pa.array(channel),
        "valid_from": pa.repeat(pa.scalar(date(2026, 1, 1)), n),
        "valid_to": pa.repeat(pa.scalar(date(2027, 1, 1)), n), "status": pa.repeat("active", n)})
    write("licences", {"license_id": lic, "licensee_id": pa.repeat(REPORTER, works),
                       "max_plays": pa.nulls(works, pa.int64()),
                       "max_copies": pa.nulls(works, pa.int64())})
    write("licence_works", {"license_id": lic, "work_id": wrk})
    write("identifiers", {"scheme": pa.repeat("isrc", works), "work_id": wrk,
                          "value": pc.binary_join_element_wise("CNA01", pc.utf8_lpad(_s(w), 7, "0"), "")})
    write("works", {"work_id": wrk})
    write("titles", {"title_key": pa.array([], pa.string()), "work_id": pa.array([], pa.string())})
    write("holdings", {"work_id": wrk, "right": pa.repeat("synchronisation", works)})
    write("platform_parties", {"code": pa.array([], pa.string()), "party_id": pa.array([], pa.string())})


def ingest(csv_path: Path, lake: Lake, report_id: str) -> int:
    scope = ReporterScope(REPORTER, unrestricted=False, is_platform=False)
    writer = LakeWriter(lake, report_id, REPORTER, PERIOD)
    with csv_path.open("rb") as source:
        totals = land_csv(source, period=PERIOD, today=TODAY, scope=scope, writer=writer,
                          licensees=lambda ids: dict.fromkeys(ids, REPORTER),
                          between_batches=lambda: None)
    writer.close()
    return totals.read


def land_per_line(csv_path: Path, lake: Lake) -> None:
    """The landing before the vectorised reader: `aggregate.read_csv`, an item at a time."""
    scope = ReporterScope(REPORTER, unrestricted=False, is_platform=False)
    writer = LakeWriter(lake, "rpt_per_line", REPORTER, PERIOD)
    with csv_path.open("rb") as source:
        for item in read_csv(source, period=PERIOD, today=TODAY):
            writer.add(item if isinstance(item, Rejection) else scope.screen(item, {item.license_id: REPORTER}))
    writer.close()


def match_and_rate(lake: Lake, report_id: str, grants: Path, out: Path) -> dict[str, int]:
    """Matched / unlicensed / unmatched to Parquet, then plays and revenue per licence line."""
    eng = connect("duckdb", memory_limit="2GB", temp_directory=out / "spill")
    tables = Inputs(**{name: eng.read_parquet([grants / f"{name}.parquet"], schema)
                       for name, schema in inputs.SCHEMAS.items()})
    lines = eng.read_parquet([lake.file(Area.USAGE, PERIOD, REPORTER, report_id)], USAGE_LINE_SCHEMA)
    no_titles = tables.titles.select(title="title_key", title_key="title_key")
    outcomes = match(lines, tables, no_titles, period_start=START, period_end=END)
    return {outcome.value: eng.write_parquet(getattr(outcomes, outcome.value), SCHEMAS[outcome],
                                             out / f"{outcome.value}.parquet")
            for outcome in Outcome}


def rate(out: Path) -> int:
    """Per licence line: plays, revenue, and a per-1,000-plays royalty in whole minor units."""
    eng = connect("duckdb")
    per_line = eng.backend.con.sql(f"""
        SELECT license_id, license_line_id, currency, sum(plays) AS plays,
               sum(revenue_minor) AS revenue_minor,
               sum(plays) * {RATE_PER_1000_MINOR} // 1000 AS royalty_minor
        FROM read_parquet('{out / "matched.parquet"}')
        GROUP BY ALL""").to_arrow_table()
    return per_line.num_rows


def pandas_pipeline(csv_path: Path, lines: int, grants: Path) -> int:
    """The same rules, the way one would write them with pandas: a line is kept when its date
    is in the period and not after today, its territory a country, its channel known, its plays
    whole and within bounds, its revenue at most two decimals; kept lines join the grants that
    cover them and add up per licence line."""
    frame = pd.read_csv(csv_path, dtype=str, nrows=lines, keep_default_na=False)
    day = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    plays = pd.to_numeric(frame["plays"], errors="coerce")
    revenue = frame["revenue"].str.extract(r"^(\d+)\.(\d{2})$")
    ok = (day.notna() & (day >= pd.Timestamp(START)) & (day < pd.Timestamp(END))
          & (day <= pd.Timestamp(TODAY)) & frame["territory"].isin(ALL_COUNTRIES)
          & frame["channel"].isin({"douyin", "kuaishou", "bilibili"}) & plays.notna()
          & (plays >= 0) & (plays <= 10**12) & revenue[0].notna())
    kept = frame[ok].assign(plays=plays[ok].astype("int64"), day=day[ok],
                            revenue_minor=revenue[0][ok].astype("int64") * 100
                            + revenue[1][ok].astype("int64"))
    grant = pd.read_parquet(grants / "grants.parquet")
    joined = kept.merge(grant, left_on=["license_id", "territory", "channel"],
                        right_on=["license_id", "country", "channel"])
    joined = joined[(joined["day"] >= pd.to_datetime(joined["valid_from"]))
                    & (joined["day"] < pd.to_datetime(joined["valid_to"]))]
    per_line = joined.groupby(["license_id", "line_id"]).agg(plays=("plays", "sum"),
                                                             revenue_minor=("revenue_minor", "sum"))
    per_line["royalty_minor"] = per_line["plays"] * RATE_PER_1000_MINOR // 1000
    return len(per_line)


def to_jsonl(csv_path: Path, jsonl_path: Path) -> None:
    """The same lines as JSON Lines, numbers as JSON numbers (DuckDB's writer)."""
    con = connect("duckdb").backend.con
    con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}')) "
                f"TO '{jsonl_path}' (FORMAT JSON)")


def read_jsonl_both(jsonl_path: Path) -> dict[str, float]:
    """Lines per second of the per-line JSON Lines reader and the vectorised one."""
    rates = {}
    for name, read in (("per-line", lambda s: sum(1 for _ in read_jsonl(s, period=PERIOD, today=TODAY))),
                       ("vectorised", lambda s: sum(b.lines.num_rows + len(b.rejections) for b in
                                                    read_jsonl_batches(s, period=PERIOD, today=TODAY)))):
        with jsonl_path.open("rb") as source:
            began = time.process_time()
            count = read(source)
            rates[name] = count / (time.process_time() - began)
    return rates


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: dict[str, float] = {}  # stage → CPU seconds (all threads): steadier than wall time on a busy box
PEAK: dict[str, float] = {}  # stage → peak RSS so far (MB)


def timed(fn: Callable[[], Any], stage: str = "") -> tuple[Any, float]:
    began, cpu = time.perf_counter(), time.process_time()
    result = fn()
    if stage:
        CPU[stage], PEAK[stage] = time.process_time() - cpu, peak_mb()
    return result, time.perf_counter() - began


def ours(csv_path: Path, work: Path, grants: Path, tag: str) -> tuple[int, dict[str, float], dict[str, int]]:
    lake = Lake(work / f"lake-{tag}")
    out = work / f"outcomes-{tag}"
    out.mkdir(parents=True, exist_ok=True)
    read, t_ingest = timed(lambda: ingest(csv_path, lake, f"rpt_{tag}"), f"ingest {tag}")
    rows, t_match = timed(lambda: match_and_rate(lake, f"rpt_{tag}", grants, out), f"match {tag}")
    _, t_rate = timed(lambda: rate(out), f"rate {tag}")
    return read, {"ingest": t_ingest, "match": t_match, "rate": t_rate}, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=3_000_000)
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=5_000_000)
    parser.add_argument("--per-line-sample", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dmp-rows", type=int, default=200_000,
                        help="rows of the django-music-publisher comparison (0: skip it)")
    parser.add_argument("--dmp-works", type=int, default=1_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"usage-{args.lines}-{args.works}-{args.seed}.csv"
    if not csv_path.exists():
        _, t_gen = timed(lambda: generate(csv_path, args.lines, args.works, args.seed))
        print(f"generated {csv_path} ({csv_path.stat().st_size / 2**20:,.0f} MiB) in {t_gen:.0f} s")
    work = OUT / "work"
    shutil.rmtree(work, ignore_errors=True)
    grants = work / "grants"
    write_grants(grants, args.works)

    read, times, rows = ours(csv_path, work, grants, "full")
    peak_ours = peak_mb()
    sample = min(args.sample, args.lines)
    sample_path = work / "sample.csv"
    with csv_path.open("rb") as source, sample_path.open("wb") as target:
        for _ in range(sample + 1):
            target.write(source.readline())
    per_line_n = min(args.per_line_sample, args.lines)
    per_line_path = work / "per-line.csv"
    with sample_path.open("rb") as source, per_line_path.open("wb") as target:
        for _ in range(per_line_n + 1):
            target.write(source.readline())
    sample_times = times if sample == args.lines else ours(sample_path, work, grants, "sample")[1]
    timed(lambda: land_per_line(per_line_path, Lake(work / "lake-per-line")), "per-line")
    timed(lambda: ingest(per_line_path, Lake(work / "lake-small"), "rpt_small"), "vectorised")
    _, t_pandas = timed(lambda: pandas_pipeline(sample_path, sample, grants), "pandas")
    jsonl_path = work / "per-line.jsonl"
    to_jsonl(per_line_path, jsonl_path)
    jsonl_rates = read_jsonl_both(jsonl_path)
    ours_sample = sum(sample_times.values())

    total = sum(times.values())
    print(f"\n{args.lines:,} lines, {args.works:,} licences; outcomes {rows}")
    print(f"{'stage':<32}{'lines/s':>12}{'lines/CPU-s':>13}{'share':>7}{'peak RSS MB':>13}")
    for stage, seconds in times.items():
        print(f"{stage:<32}{read / seconds:>12,.0f}{read / CPU[f'{stage} full']:>13,.0f}"
              f"{seconds / total:>7.0%}{PEAK[f'{stage} full']:>13,.0f}")
    cpu = sum(CPU[f"{stage} full"] for stage in times)
    print(f"{'end to end (ingest+match+rate)':<32}{read / total:>12,.0f}{read / cpu:>13,.0f}"
          f"{1:>7.0%}{peak_ours:>13,.0f}")
    print(f"peak RSS with the pandas run too: {peak_mb():,.0f} MB")
    print(f"vectorised / per-line landing ({per_line_n:,} lines, CPU seconds): "
          f"{CPU['per-line'] / CPU['vectorised']:,.1f}x")
    print(f"JSON Lines reading ({per_line_n:,} lines, lines per CPU-second): per-line "
          f"{jsonl_rates['per-line']:,.0f}, vectorised {jsonl_rates['vectorised']:,.0f} "
          f"({jsonl_rates['vectorised'] / jsonl_rates['per-line']:,.1f}x)")
    print(f"ours / pandas on {sample:,} lines (ingest+match+rate vs read+validate+join+group): "
          f"{t_pandas / ours_sample:,.2f}x")
    pandas_cpu = CPU["pandas"]
    ours_cpu = cpu if sample == args.lines else sum(CPU[f"{s} sample"] for s in times)
    print(f"ours / pandas in CPU seconds: {pandas_cpu / ours_cpu:,.2f}x")
    print(f"100M lines at this rate: {1e8 / (read / total):,.0f} s wall, "
          f"{1e8 / (read / cpu):,.0f} CPU-s")
    if args.dmp_rows:
        from bench.usage_dmp import compare  # Django is configured in this process from here

        compare(args.dmp_rows, args.dmp_works, args.seed)


if __name__ == "__main__":
    main()
