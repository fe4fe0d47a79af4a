"""Import benchmark: a synthetic CSV catalogue imported through the product's own job path.

    .venv/bin/python -m bench.import [--works 100000] [--baseline 10000]

Each size is imported into a fresh SQLite database under bench/out/, in a fresh Python process
(so that its peak memory is its own), by the same code `clearinghouse works import` runs: scan
the file, record the job, run it (check pass, then batches of 1,000 works per transaction).
Prints rows, seconds, rows/s and peak RSS for each size, and the ratio of per-row time against
the baseline size (1.0 means linear scaling). CPU seconds are the import's own processor time:
on a busy machine they say what the wall-clock seconds would be on an idle one. Results also go
to bench/out/import.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

OUT = Path(__file__).parent / "out"
console = Console()


def run_one(works: int) -> dict[str, float]:
    """One import in this process (called in a child process by `main`)."""
    from bench.import_catalogue import write_csv
    from clearinghouse.core.db import make_engine, session_factory, unit_of_work
    from clearinghouse.core.jobs import service as jobs
    from clearinghouse.core.jobs.runner import JobRunner
    from clearinghouse.core.migrate import upgrade
    from clearinghouse.registry import parties_service
    from clearinghouse.registry.domain import Role
    from clearinghouse.registry.import_formats import ImportOptions
    from clearinghouse.registry.import_job import KIND, ImportRequest, run_import
    from clearinghouse.registry.import_reading import scan
    from clearinghouse.registry.schemas import PartyCreate

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"import-{works}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    engine, read_engine = make_engine(url), make_engine(url, immediate=False)
    upgrade(engine)
    sessions, read_sessions = session_factory(engine), session_factory(read_engine)
    with unit_of_work(sessions) as s:
        party = parties_service.create_party(s, None, PartyCreate(name="星河音乐 Bench Owner",
                                                                  roles=[Role.OWNER]))
        owner = parties_service.principal_for(s, party)
    path = OUT / f"import-{works}.csv"
    write_csv(path, works, owner.party_id)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    options = ImportOptions(filename=path.name)
    catalogue = scan(path, options)
    with unit_of_work(sessions) as s:
        job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id, total=catalogue.works * 2)
    from functools import partial
    JobRunner(sessions, read_sessions).run_here(
        job.id, partial(run_import, request=ImportRequest(catalogue, owner, options)))
    seconds = time.perf_counter() - started
    with unit_of_work(read_sessions) as s:
        done = jobs.get_job(s, owner, job.id)
    assert done.status == "succeeded", done.error
    assert done.result is not None and done.result["accepted"] == works, (
        [r for r in done.result["rows"] if r["status"] == "rejected"][:5] if done.result else None)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    engine.dispose()
    read_engine.dispose()
    return {"rows": works, "seconds": round(seconds, 2), "rows_per_s": round(works / seconds),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime - cpu_before, 2),
            "peak_rss_mb": round(peak_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for works in (args.baseline, args.works):
        child = subprocess.run([sys.executable, "-m", "bench.import", "--one", str(works)],
                               check=True, capture_output=True, text=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    base = results[0]["seconds"] / results[0]["rows"]
    base_cpu = results[0]["cpu_seconds"] / results[0]["rows"]
    table = Table(title="import benchmark (SQLite, CSV with relations and a holding per work)")
    for column in ("rows", "seconds", "CPU seconds", "rows/s", "peak RSS (MB)",
                   "per-row time vs baseline", "per-row CPU vs baseline"):
        table.add_column(column, justify="right")
    for r in results:
        r["per_row_ratio"] = round(r["seconds"] / r["rows"] / base, 2)
        r["per_row_cpu_ratio"] = round(r["cpu_seconds"] / r["rows"] / base_cpu, 2)
        table.add_row(f"{r['rows']:,}", f"{r['seconds']:.1f}", f"{r['cpu_seconds']:.1f}",
                      f"{r['rows_per_s']:,}",
                      str(r["peak_rss_mb"]), f"{r['per_row_ratio']:.2f}",
                      f"{r['per_row_cpu_ratio']:.2f}")
    console.print(table)
    (OUT / "import.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
