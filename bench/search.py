"""Search benchmark: a synthetic catalogue, the index build, and a seeded query mix timed
in-process, over HTTP and as a plain full-text query on the same tokenisation.

    .venv/bin/python -m bench.search [--works 1000000] [--engine sqlite|postgres|both]
        [--postgres-url postgresql+psycopg://user@host:port] [--pg-database NAME]
        [--queries 200] [--reuse]

SQLite writes bench/out/search-<N>.sqlite3. PostgreSQL creates (and replaces) the database
`clearinghouse_bench_search` (or --pg-database NAME: with --reuse, say a copy made by
`CREATE DATABASE name TEMPLATE clearinghouse_bench_search`, to leave the shared one alone) on
the server given, or, without --postgres-url, on a throwaway PostgreSQL 15 cluster started for
the run (as the tests do). In-process latency is one call of the search use case (what
`GET /api/v1/works` runs); HTTP latency is one client against
`clearinghouse serve` in a child process, keep-alive, one request at a time; the baseline is
the first 20 matches of a plain FTS5 MATCH (SQLite) or `tsv @@ tsquery` (PostgreSQL) for the
same tokens: no tiers, no count, no description. Results also go to bench/out/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, text

from bench import search_catalogue as cat
from bench import search_timing as timing
from bench.search_mix import FILTER_CLASSES, HEADINGS, TEXT_CLASSES, query_mix
from clearinghouse.core.db import is_postgres, make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.search import indexer, repository

OUT = Path(__file__).parent / "out"
PG_DATABASE = "clearinghouse_bench_search"
ENGINE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL 15"}
BASELINE_NAMES = {"sqlite": "plain FTS5 MATCH", "postgres": "plain tsv @@ tsquery"}
console = Console(width=200)  # the tables are wide; logs are not terminals


def prepare_database(engine_name: str, args: argparse.Namespace,
                     server: str | None) -> tuple[str, bool]:
    """The database URL, and whether it already holds this catalogue (--reuse)."""
    if engine_name == "postgres":
        assert server is not None
        database = args.pg_database
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                  {"d": database}).first()
            if exists and args.reuse:
                admin.dispose()
                return f"{server}/{database}", True
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        return f"{server}/{database}", False
    path = OUT / f"search-{args.works}.sqlite3"
    OUT.mkdir(parents=True, exist_ok=True)
    if path.exists() and args.reuse:
        return f"sqlite:///{path}", True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", False


def build(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    """The catalogue by direct bulk inserts (import speed is measured by bench.import)."""
    upgrade(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        if not is_postgres(engine):
            conn.exec_driver_sql("PRAGMA cache_size=-524288")  # 512 MiB for the bulk load
        counts = cat.generate(conn, args.works, args.seed)
    generated = time.perf_counter() - started
    console.print(f"generated {counts} in {generated:.1f} s")
    with unit_of_work(session_factory(engine)) as session:
        stats = indexer.rebuild(session)
    console.print(f"indexed {stats.documents} documents in {stats.seconds:.1f} s")
    return {"counts": counts, "generate_s": round(generated, 1), "build_s": round(stats.seconds, 1)}


def sizes(engine: Engine) -> dict[str, int]:
    with unit_of_work(session_factory(engine)) as session:
        fts = repository.index_size_bytes(session) or 0
        if is_postgres(engine):
            total = session.execute(
                text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            total = session.execute(text("SELECT page_count * page_size FROM pragma_page_count(), "
                                         "pragma_page_size()")).scalar_one()
    return {"fulltext_index_bytes": int(fts), "database_bytes": int(total)}


def catalogue(engine_name: str, args: argparse.Namespace, server: str | None) -> tuple[str, dict]:
    url, reused = prepare_database(engine_name, args, server)
    meta_path = OUT / f"search-{engine_name}-{args.works}.build.json"
    if reused and not meta_path.exists():
        raise SystemExit(f"--reuse: {meta_path} is missing; run once without --reuse")
    engine = make_engine(url)
    if reused:
        meta = json.loads(meta_path.read_text())
        upgrade(engine)  # a catalogue built by older code: its index in today's form (0019, 0021)
        if args.reindex:
            with unit_of_work(session_factory(engine)) as session:
                meta["build_s"] = round(indexer.rebuild(session).seconds, 1)
    else:
        meta = build(engine, args)
    OUT.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(json.dumps({k: meta[k] for k in ("counts", "generate_s", "build_s")}))
    meta["sizes"] = sizes(engine)
    engine.dispose()
    return url, meta


def measure(engine_name: str, url: str, meta: dict, args: argparse.Namespace) -> dict[str, Any]:
    mix = query_mix(args.queries, args.seed, args.works, meta["counts"]["identifiers"])
    load_before = os.getloadavg()[0]
    read_engine = make_engine(url, immediate=False)
    console.print(f"{ENGINE_NAMES[engine_name]}: {len(mix)} queries in-process …")
    cpu: timing.Timings = {}
    local, totals = timing.in_process(read_engine, mix, cpu)
    console.print(f"{ENGINE_NAMES[engine_name]}: the same over HTTP …")
    http = {} if args.no_http else timing.over_http(url, mix)[0]
    console.print(f"{ENGINE_NAMES[engine_name]}: {BASELINE_NAMES[engine_name]} …")
    plain = timing.plain_fulltext(read_engine, mix)
    read_engine.dispose()
    # Other work on the machine shows up in the tail latencies; keep the load next to them.
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]

    def summary(timings: timing.Timings) -> dict[str, dict[str, float]]:
        return {kind: {k: round(v, 2) for k, v in timing.percentiles(values).items()}
                for kind, values in timings.items()}

    return {"engine": engine_name, **meta, "load_average_1min": load,
            "in_process_ms": summary(local), "in_process_cpu_ms": summary(cpu),
            "http_ms": summary(http),
            "plain_ms": summary(plain),
            "median_total": {k: sorted(v)[len(v) // 2] for k, v in totals.items()}}


def _row(cells: dict[str, dict[str, float]], kinds: tuple[str, ...], stat: str) -> list[str]:
    return [f"{cells[k][stat]:.1f}" if k in cells else "–" for k in kinds]


def report(results: list[dict[str, Any]]) -> None:
    for kinds, title in ((TEXT_CLASSES, "the issue's seven classes"),
                         (FILTER_CLASSES, "filters")):
        table = Table(title=f"search latency, ms — {title}")
        table.add_column("")
        for kind in kinds:
            table.add_column(HEADINGS.get(kind, kind), justify="right")
        for r in results:
            name = ENGINE_NAMES[r["engine"]]
            for key, how in (("http_ms", "HTTP"), ("in_process_ms", "in-process"),
                             ("in_process_cpu_ms", "in-process CPU of this process"),
                             ("plain_ms", BASELINE_NAMES[r["engine"]])):
                if not r[key] or not any(k in r[key] for k in kinds):
                    continue
                for stat in ("p50", "p95", "p99"):
                    table.add_row(f"{name}, {how} {stat}", *_row(r[key], kinds, stat))
            if any(k in r["plain_ms"] for k in kinds):
                ratio: Callable[[str], str] = lambda k, r=r: (  # noqa: E731
                    f"{r['in_process_ms'][k]['p95'] / max(r['plain_ms'][k]['p95'], 0.01):.0f}×"
                    if k in r["plain_ms"] else "–")
                table.add_row(f"{name}, in-process p95 ÷ plain p95", *(ratio(k) for k in kinds))
            table.add_row(f"{name}, median total", *(
                f"{r['median_total'][k]:,}" if k in r["median_total"] else "–" for k in kinds))
        console.print(table)
    for r in results:
        console.print(f"{ENGINE_NAMES[r['engine']]}: {r['counts']}, generated in "
                      f"{r['generate_s']} s, indexed in {r['build_s']} s, sizes {r['sizes']}, "
                      f"load average {r['load_average_1min']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--postgres-url", help="server URL, e.g. postgresql+psycopg://u@host:5432;"
                        " without it a throwaway PostgreSQL 15 cluster is started")
    parser.add_argument("--pg-database", default=PG_DATABASE,
                        help="PostgreSQL database to build or (--reuse) measure; a copy of the"
                        " catalogue keeps experiments off the shared one")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="reuse a catalogue built before")
    parser.add_argument("--reindex", action="store_true",
                        help="with --reuse: rebuild the search index of that catalogue")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    args = parser.parse_args()

    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    cluster = None
    server = args.postgres_url.rstrip("/") if args.postgres_url else None
    if "postgres" in engines and server is None:
        if args.reuse:
            raise SystemExit("--reuse needs --postgres-url: a throwaway cluster starts empty")
        from tests.support.postgres import start_cluster

        cluster = start_cluster()
        server = cluster.url
    results = []
    try:
        for name in engines:
            url, meta = catalogue(name, args, server)
            results.append(measure(name, url, meta, args))
    finally:
        if cluster is not None:
            cluster.stop()
    report(results)
    stamp = {"works": args.works, "queries_per_kind": args.queries, "seed": args.seed,
             "date": datetime.now(UTC).date().isoformat(),
             "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
                        f"Python {platform.python_version()}"}
    path = OUT / f"search-{args.engine}-{args.works}.json"
    path.write_text(json.dumps({**stamp, "results": results}, ensure_ascii=False, indent=2))
    console.print(f"results written to {path}")


if __name__ == "__main__":
    main()
