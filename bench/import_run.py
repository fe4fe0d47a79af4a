"""One measured run of the import benchmark, in a process of its own (see bench/import.py).

    PYTHONPATH=src:. python -m bench.import_run --url sqlite:///x.sqlite3 --works 1000000

Prints one JSON line. Uses only what `clearinghouse works import` itself uses, so that it runs
against older checkouts too (`--compare-src`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.import_catalogue import write_csv
from clearinghouse.access.domain import Role
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.core.migrate import upgrade
from clearinghouse.registry import parties_service
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_job import KIND, ImportRequest, run_import
from clearinghouse.registry.import_reading import scan
from clearinghouse.registry.schemas import PartyCreate
from clearinghouse.registry.tables import Work
from clearinghouse.search import service as search
from clearinghouse.wiring import wire

OUT = Path(__file__).parent / "out"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> int:
    """The process's resident memory now (Linux), to see whether it grows from file to file."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576)


def _check_job(read_sessions: Any, owner: Any, job_id: str, works: int) -> str:
    """The job's last work id; its report (100,000 rows) is dropped here, not kept alive
    through the next file (which showed as memory growing from file to file)."""
    with unit_of_work(read_sessions) as s:
        done = jobs.get_job(s, owner, job_id)
        assert done.status == "succeeded", done.error
        result = done.result or {}
        assert result.get("accepted") == works, (
            [r for r in result.get("rows", []) if r["status"] == "rejected"][:5])
        last_work: str = result["rows"][-1]["work_id"]
        s.expunge_all()
    return last_work


def run(url: str, works: int, per_file: int) -> dict[str, Any]:
    engine, read_engine = make_engine(url), make_engine(url, immediate=False)
    upgrade(engine)
    sessions, read_sessions = session_factory(engine), session_factory(read_engine)
    with unit_of_work(sessions) as s:
        party = parties_service.create_party(s, None, PartyCreate(name="星河音乐 Bench Owner",
                                                                  roles=[Role.OWNER]))
        owner = parties_service.principal_for(s, party)
    paths = []
    for first in range(0, works, per_file):
        path = OUT / f"import-{os.getpid()}-{first}.csv"
        write_csv(path, min(per_file, works - first), owner.party_id, first=first)
        paths.append(path)
    started, cpu_before = time.perf_counter(), _cpu()
    files, last_work = [], ""
    for path in paths:
        file_started = time.perf_counter()
        options = ImportOptions(filename=path.name)
        catalogue = scan(path, options)
        with unit_of_work(sessions) as s:
            job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id,
                                 total=catalogue.works * 2)
        JobRunner(sessions, read_sessions).run_here(
            job.id, partial(run_import, request=ImportRequest(catalogue, owner, options)))
        last_work = _check_job(read_sessions, owner, job.id, catalogue.works)
        files.append({"works": catalogue.works,
                      "seconds": round(time.perf_counter() - file_started, 2),
                      "rss_after_mb": _rss_mb()})
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu_before
    with unit_of_work(read_sessions) as s:
        title = s.get(Work, last_work).title  # type: ignore[union-attr]
    while True:  # the last work, found by its title
        with unit_of_work(read_sessions) as s:
            page = search.search(s, search.SearchParams(q=title, limit=5))
        if any(hit.id == last_work for hit in page.items):
            break
        time.sleep(0.5)
    searchable = time.perf_counter() - started
    engine.dispose()
    read_engine.dispose()
    for path in paths:
        path.unlink()
    return {"works": works, "files": files, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2), "works_per_s": round(works / seconds),
            "searchable_after_s": round(searchable, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    wire()  # registry writes reach the search index, as in the app
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--works", type=int, required=True)
    parser.add_argument("--per-file", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.url, args.works, args.per_file)))


if __name__ == "__main__":
    main()
