"""Import benchmark: synthetic CSV catalogues imported through the product's own job path.

    PYTHONPATH=src .venv/bin/python -m bench.import [--works 1000000] [--per-file 100000]
        [--engine sqlite|postgres|both] [--postgres-url postgresql+psycopg://u@host:port]
        [--compare-src ../main/src] [--compare-works 100000]

Each run imports `--works` works, `--per-file` at a time (the most one import takes), into a
fresh database, in a fresh Python process (so that its peak memory is its own), by the same code
`clearinghouse works import` runs: scan the file, record the job, run it (check pass, then
batches of works per transaction). The files are generated before the clock starts. After the
last file, a search for the last work's title must find it: "searchable" is the time from the
first import's start until then. CPU seconds are the process's own processor time (on
PostgreSQL the server's work is not in them): on a busy machine they say what the wall clock
would be on an idle one.

`--compare-src` runs the same measurement with another checkout's `src` (say a `git worktree`
of main) on `--compare-works` works in the same run, and prints the ratios: the machine is
shared and noisy, so ratios say more than seconds. Results also go to bench/out/import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).parent.parent
console = Console(width=200)  # a log file or pipe too gets every column


def _child(engine: str, url: str, works: int, per_file: int, src: Path) -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
    child = subprocess.run(
        [sys.executable, "-m", "bench.import_run", "--url", url, "--works", str(works),
         "--per-file", str(per_file)], env=env, cwd=ROOT, capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"{engine} run failed:\n{child.stderr[-4000:]}")
    return {"engine": engine, "code": str(src), **json.loads(child.stdout.strip().splitlines()[-1])}


def _database(engine: str, server: str | None, name: str) -> str:
    if engine == "sqlite":
        db = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}"
    from sqlalchemy import create_engine, text

    assert server is not None
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server}/{name}"


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="import benchmark (CSV: compositions, recordings, videos; relations, a "
                  "holding per work)")
    for column in ("engine", "code", "works", "files", "wall s", "CPU s", "works/s",
                   "searchable after s", "peak RSS MB", "RSS after each file MB", "slowest file s"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["engine"], Path(r["code"]).parent.name, f"{r['works']:,}",
                      str(len(r["files"])), f"{r['seconds']:.1f}", f"{r['cpu_seconds']:.1f}",
                      f"{r['works_per_s']:,}", f"{r['searchable_after_s']:.1f}",
                      str(r["peak_rss_mb"]),
                      " / ".join(str(f.get("rss_after_mb", "?")) for f in r["files"]),
                      f"{max(f['seconds'] for f in r['files']):.1f}")
    console.print(table)
    for r in results:
        if "vs" in r:
            console.print(f"{r['engine']}: this code vs {r['vs']['code']} at {r['vs']['works']:,} "
                          f"works: {r['vs']['speed_up_wall']:.1f}× faster (wall), "
                          f"{r['vs']['speed_up_cpu']:.1f}× less CPU per work")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=100_000)
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--postgres-url", help="server URL; without it a throwaway PostgreSQL 15 "
                        "cluster is started")
    parser.add_argument("--compare-src", type=Path, help="another checkout's src to compare with")
    parser.add_argument("--compare-works", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    server, cluster = (args.postgres_url.rstrip("/") if args.postgres_url else None), None
    if "postgres" in engines and server is None:
        from tests.support.postgres import start_cluster

        cluster = start_cluster()
        server = cluster.url
    results = []
    try:
        for engine in engines:
            url = _database(engine, server, "clearinghouse_bench_import")
            result = _child(engine, url, args.works, args.per_file, ROOT / "src")
            if args.compare_src:
                size = min(args.compare_works, args.works)
                url = _database(engine, server, "clearinghouse_bench_import_old")
                old = _child(engine, url, size, args.per_file, args.compare_src.resolve())
                url = _database(engine, server, "clearinghouse_bench_import_new")
                new = _child(engine, url, size, args.per_file, ROOT / "src")
                result["vs"] = {"code": str(args.compare_src), "works": size, "old": old, "new": new,
                                "speed_up_wall": old["seconds"] / new["seconds"],
                                "speed_up_cpu": old["cpu_seconds"] / new["cpu_seconds"]}
            results.append(result)
    finally:
        if cluster is not None:
            cluster.stop()
    report(results)
    (OUT / "import.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
