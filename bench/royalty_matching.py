"""Matching benchmark: usage lines → matched / unlicensed / unmatched on DuckDB (and Spark).

    PYTHONPATH=src .venv/bin/python -m bench.royalty_matching [--lines 1000000] [--works 20000]
        [--engine duckdb|spark] [--seed 7]

Writes synthetic inputs straight to Parquet (no SQL database: this times the engine's part):
`--works` works, each licensed to one of 50 licensees on 抖音 and 快手 in CN for the year, two
co-holders' lines each; `--lines` usage lines by those licensees, about 80% covered, the rest
other territories, platforms or unknown ISRCs. Prints lines/s and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.royalties.pipeline.match import Inputs, match
from clearinghouse.royalties.pipeline.run import SCHEMAS, Outcome
from clearinghouse.usage.records import USAGE_LINE_SCHEMA

LICENSEES = 50


def _inputs(folder: Path, works: int) -> None:
    def write(name: str, columns: dict[str, list[object]]) -> None:
        pq.write_table(pa.table(columns, schema=inputs.SCHEMAS[name]), folder / f"{name}.parquet")

    grants: dict[str, list[object]] = {c: [] for c in inputs.SCHEMAS["grants"].names}
    for w in range(works):
        for holder in (0, 1):
            for channel in ("douyin", "kuaishou"):
                row = (f"lic_{w}", f"lln_{w}_{holder}", f"wrk_{w}", "synchronisation",
                       f"pty_{w % LICENSEES}", "CN", channel, date(2026, 1, 1), date(2027, 1, 1),
                       "active")
                for name, value in zip(grants, row, strict=True):
                    grants[name].append(value)
    write("grants", grants)
    write("licences", {"license_id": [f"lic_{w}" for w in range(works)],
                       "licensee_id": [f"pty_{w % LICENSEES}" for w in range(works)]})
    write("licence_works", {"license_id": [f"lic_{w}" for w in range(works)],
                            "work_id": [f"wrk_{w}" for w in range(works)]})
    write("identifiers", {"scheme": ["isrc"] * works,
                          "value": [f"CNA01{w:07d}" for w in range(works)],
                          "work_id": [f"wrk_{w}" for w in range(works)]})
    write("works", {"work_id": [f"wrk_{w}" for w in range(works)]})
    write("titles", {"title_key": [f"song{w}" for w in range(works)],
                     "work_id": [f"wrk_{w}" for w in range(works)]})
    write("holdings", {"work_id": [f"wrk_{w}" for w in range(works)],
                       "right": ["synchronisation"] * works})
    write("platform_parties", {"code": [], "party_id": []})


def _lines(path: Path, count: int, works: int, rng: random.Random) -> None:
    with pq.ParquetWriter(path, USAGE_LINE_SCHEMA) as writer:
        for start in range(0, count, 200_000):
            n = min(200_000, count - start)
            ws = [rng.randrange(works) for _ in range(n)]
            odd = [rng.random() for _ in range(n)]
            batch = {name: [None] * n for name in USAGE_LINE_SCHEMA.names} | {
                "report_id": ["rpt_bench"] * n,
                "reporter_id": [f"pty_{w % LICENSEES}" for w in ws],
                "line_no": list(range(start + 1, start + n + 1)),
                "period": ["2026-06"] * n,
                "usage_date": [date(2026, 6, 1) + timedelta(days=w % 30) for w in ws],
                "channel": ["bilibili" if o < 0.05 else "douyin" for o in odd],
                "territory": ["HK" if 0.05 <= o < 0.1 else "CN" for o in odd],
                "kind": ["plays"] * n,
                "plays": [1 + w % 5000 for w in ws],
                "copies": [0] * n,
                "isrc": [f"CNA09{w:07d}" if o > 0.9 else f"CNA01{w:07d}" for w, o in zip(ws, odd, strict=True)],
            }
            writer.write_table(pa.table(batch, schema=USAGE_LINE_SCHEMA))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _inputs(folder, args.works)
        _lines(folder / "lines.parquet", args.lines, args.works, random.Random(args.seed))
        eng = connect(args.engine)
        began = time.perf_counter()
        tables = Inputs(**{name: eng.read_parquet([folder / f"{name}.parquet"], schema)
                           for name, schema in inputs.SCHEMAS.items()})
        lines = eng.read_parquet([folder / "lines.parquet"], USAGE_LINE_SCHEMA)
        no_titles = eng.read_parquet([folder / "titles.parquet"], inputs.SCHEMAS["titles"]).select(
            title="title_key", title_key="title_key")
        outcomes = match(lines, tables, no_titles, period_start=date(2026, 6, 1),
                         period_end=date(2026, 7, 1))
        rows = {o: sum(b.num_rows for b in eng.arrow_batches(getattr(outcomes, o.value), SCHEMAS[o]))
                for o in Outcome}
        seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.engine}: {args.lines:,} lines in {seconds:.1f} s = {args.lines / seconds:,.0f} lines/s; "
          f"peak RSS {peak_mb:,.0f} MB; rows {', '.join(f'{o.value} {n:,}' for o, n in rows.items())}")


if __name__ == "__main__":
    main()
