"""Search benchmark: a synthetic catalogue, the index build, a seeded query mix, a LIKE baseline.

    .venv/bin/python -m bench.search [--works 1000000] [--engine sqlite|postgres]
        [--postgres-url postgresql+psycopg://user@host:port] [--queries 200] [--reuse]

SQLite writes bench/out/search-<N>.sqlite3; PostgreSQL creates (and replaces) the database
`clearinghouse_bench_search` on the server given. Results go to bench/out/ as JSON as well.
Latency is one call of the search use case (what `GET /api/v1/works` runs, minus HTTP):
relevance tiers, the capped total and the page of 20 described with creators and holders.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, text

from bench import search_catalogue as cat
from clearinghouse.core.db import is_postgres, make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.search import indexer, repository, service

OUT = Path(__file__).parent / "out"
PG_DATABASE = "clearinghouse_bench_search"
console = Console()


def prepare_database(args: argparse.Namespace) -> tuple[str, bool]:
    """The database URL, and whether it already holds this catalogue (--reuse)."""
    if args.engine == "postgres":
        if not args.postgres_url:
            raise SystemExit("--engine postgres needs --postgres-url (a server URL)")
        server = args.postgres_url.rstrip("/")
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                  {"d": PG_DATABASE}).first()
            if exists and args.reuse:
                admin.dispose()
                return f"{server}/{PG_DATABASE}", True
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
        return f"{server}/{PG_DATABASE}", False
    path = OUT / f"search-{args.works}.sqlite3"
    OUT.mkdir(parents=True, exist_ok=True)
    if path.exists() and args.reuse:
        return f"sqlite:///{path}", True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", False


def build(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
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
            docs = session.execute(text("SELECT pg_table_size('search_documents') + "
                                        "pg_relation_size('ix_search_documents_title_key') + "
                                        "pg_relation_size('uq_search_documents_work_id')")).scalar_one()
            total = session.execute(
                text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            docs = session.execute(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                "WHERE tbl_name = 'search_documents')")).scalar_one()
            total = session.execute(text("SELECT page_count * page_size FROM pragma_page_count(), "
                                         "pragma_page_size()")).scalar_one()
    return {"fulltext_index_bytes": int(fts), "documents_bytes": int(docs or 0),
            "database_bytes": int(total)}


Mix = list[tuple[str, service.SearchParams]]


def query_mix(args: argparse.Namespace, issued_isrcs: int) -> Mix:
    rng = random.Random(args.seed + 1)
    gen = cat.Generator(random.Random(args.seed + 2))
    zh_2 = [w for w in cat.ZH_WORDS if len(w) == 2]
    mix: list[tuple[str, service.SearchParams]] = []
    identifiers = cat.sample_identifiers(issued_isrcs, rng, args.queries)
    owners = cat.party_ids(args.works)
    for _ in range(args.queries):
        zh_title = "".join(ch for ch in gen.zh_title() if "\u4e00" <= ch <= "\u9fff")
        start = rng.randrange(max(1, len(zh_title) - 3))
        en_word = rng.choice(cat.EN_WORDS)
        mix += [
            ("zh_1char", service.SearchParams(q=rng.choice(rng.choice(cat.ZH_WORDS)))),
            ("zh_2char", service.SearchParams(q=rng.choice(zh_2))),
            ("zh_3plus", service.SearchParams(q=rng.choice((
                zh_title[start:start + rng.randint(3, 4)],  # any run inside a title, often rare
                rng.choice(zh_2) + rng.choice(zh_2),  # two common words side by side
                rng.choice([w for w in cat.ZH_WORDS if len(w) > 2]),
            )))),
            ("en_word", service.SearchParams(q=en_word)),
            ("en_prefix", service.SearchParams(q=en_word[:rng.randint(3, 5)])),
            ("creator", service.SearchParams(creator=gen.zh_name() if rng.random() < 0.6
                                             else rng.choice(cat.EN_LAST))),
            ("tag_filter", service.SearchParams(tag=rng.choice(cat.TAGS))),
            ("identifier", service.SearchParams(identifier=f"isrc:{next(identifiers)}")),
            ("owner", service.SearchParams(
                owner=rng.choice(owners),
                q=rng.choice(zh_2 + cat.EN_WORDS) if rng.random() < 0.5 else None)),
            ("query_filter", service.SearchParams(
                q=rng.choice(zh_2 + cat.EN_WORDS), type="audiovisual_work",
                tag=rng.choice(cat.TAGS) if rng.random() < 0.5 else None)),
        ]
    rng.shuffle(mix)
    return mix


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return {"p50": v, "p95": v, "p99": v, "max": v}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def run_queries(engine: Engine, mix: Mix) -> dict[str, Any]:
    sessions = session_factory(engine)
    timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    per_query: list[tuple[str, str | None, float]] = []
    for i, (kind, params) in enumerate(mix[:30] + mix):  # the first 30 only warm the caches
        with sessions() as session:
            started = time.perf_counter()
            page = service.search(session, params)
            elapsed = (time.perf_counter() - started) * 1000
        if i < 30:
            continue
        timings.setdefault(kind, []).append(elapsed)
        totals.setdefault(kind, []).append(page.total)
        per_query.append((kind, params.q, elapsed))
    return {"timings": timings, "totals": totals, "per_query": per_query}


def like_baseline(engine: Engine, per_query: list[tuple[str, str | None, float]],
                  per_kind: int) -> list[dict[str, Any]]:
    """The naive way: `title LIKE '%q%'` over every work, with a count and the first page."""
    seen: dict[str, int] = {}
    rows = []
    with engine.connect() as conn:
        for kind, q, search_ms in per_query:
            if not q or seen.get(kind, 0) >= per_kind:
                continue
            seen[kind] = seen.get(kind, 0) + 1
            pattern = f"%{q.lower()}%"
            started = time.perf_counter()
            total = conn.execute(text("SELECT count(*) FROM works WHERE lower(title) LIKE :p"),
                                 {"p": pattern}).scalar_one()
            conn.execute(text("SELECT id FROM works WHERE lower(title) LIKE :p "
                              "ORDER BY id LIMIT 20"), {"p": pattern}).all()
            like_ms = (time.perf_counter() - started) * 1000
            rows.append({"kind": kind, "q": q, "like_ms": like_ms, "search_ms": search_ms,
                         "like_total": total})
    return rows


def report(meta: dict[str, Any], result: dict[str, Any], baseline: list[dict[str, Any]]) -> dict:
    summary = Table(title=f"search index — {meta['engine']}, {meta['works']:,} works")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    for key in ("generate_s", "build_s"):
        if key in meta:
            summary.add_row(key.replace("_s", " time (s)"), f"{meta[key]}")
    for key, value in meta["sizes"].items():
        summary.add_row(key.replace("_bytes", " (MB)"), f"{value / 1_048_576:,.1f}")
    summary.add_row("load average (1 min) before/after queries",
                    " / ".join(str(x) for x in meta["load_average_1min"]))
    console.print(summary)

    latency = Table(title="latency per query kind (ms, one search call incl. page description)")
    for col in ("kind", "n", "p50", "p95", "p99", "max", "median total"):
        latency.add_column(col, justify="right" if col != "kind" else "left")
    kinds: dict[str, Any] = {}
    every: list[float] = []
    for kind, values in sorted(result["timings"].items()):
        every += values
        p = percentiles(values)
        kinds[kind] = {"n": len(values), **{k: round(v, 2) for k, v in p.items()},
                       "median_total": statistics.median(result["totals"][kind])}
        cells = (f"{p[k]:.1f}" for k in ("p50", "p95", "p99", "max"))
        latency.add_row(kind, str(len(values)), *cells,
                        f"{kinds[kind]['median_total']:,.0f}")
    overall = percentiles(every)
    latency.add_row("[bold]overall", str(len(every)),
                    *(f"[bold]{overall[k]:.1f}" for k in ("p50", "p95", "p99", "max")), "")
    console.print(latency)

    compare = Table(title="versus a naive LIKE '%q%' scan of titles (same data, same queries)")
    for col in ("kind", "n", "LIKE p50 ms", "search p50 ms", "speed-up"):
        compare.add_column(col, justify="right" if col != "kind" else "left")
    ratios: dict[str, float] = {}
    for kind in sorted({r["kind"] for r in baseline}):
        rows = [r for r in baseline if r["kind"] == kind]
        like = statistics.median(r["like_ms"] for r in rows)
        ours = statistics.median(r["search_ms"] for r in rows)
        ratios[kind] = round(like / ours, 1)
        compare.add_row(kind, str(len(rows)), f"{like:.1f}", f"{ours:.1f}", f"{like / ours:.0f}×")
    if baseline:
        like = statistics.median(r["like_ms"] for r in baseline)
        ours = statistics.median(r["search_ms"] for r in baseline)
        ratios["overall"] = round(like / ours, 1)
        compare.add_row("[bold]overall", str(len(baseline)), f"{like:.1f}", f"{ours:.1f}",
                        f"[bold]{like / ours:.0f}×")
    console.print(compare)
    return {**meta, "latency_ms": kinds,
            "overall_ms": {k: round(v, 2) for k, v in overall.items()}, "like_speedup": ratios}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="server URL, e.g. postgresql+psycopg://u@host:5432")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--baseline", type=int, default=5, help="LIKE queries per text kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="reuse a catalogue built before")
    parser.add_argument("--reindex", action="store_true",
                        help="with --reuse: rebuild the search index of that catalogue")
    args = parser.parse_args()

    url, reused = prepare_database(args)
    engine = make_engine(url)
    meta: dict[str, Any] = {"engine": args.engine, "works": args.works, "seed": args.seed,
                            "date": datetime.now(UTC).date().isoformat(),
                            "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
                                       f"Python {platform.python_version()}"}
    meta_path = OUT / f"search-{args.engine}-{args.works}.build.json"
    if reused and not meta_path.exists():
        raise SystemExit(f"--reuse: {meta_path} is missing; run once without --reuse")
    if reused:
        meta |= json.loads(meta_path.read_text())
        if args.reindex:
            with unit_of_work(session_factory(engine)) as session:
                meta["build_s"] = round(indexer.rebuild(session).seconds, 1)
            meta_path.write_text(json.dumps({k: meta[k] for k in ("counts", "generate_s",
                                                                   "build_s")}))
    else:
        meta |= build(engine, args)
        OUT.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps({k: meta[k] for k in ("counts", "generate_s", "build_s")}))
    meta["sizes"] = sizes(engine)
    engine.dispose()

    read_engine = make_engine(url, immediate=False)
    mix = query_mix(args, meta["counts"]["identifiers"])
    load_before = os.getloadavg()[0]
    result = run_queries(read_engine, mix)
    # Other work on the machine shows up in the tail latencies; keep the load next to them.
    meta["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    baseline = like_baseline(read_engine, result["per_query"], args.baseline)
    read_engine.dispose()
    out = report(meta, result, baseline)
    path = OUT / f"search-{args.engine}-{args.works}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    console.print(f"results written to {path}")


if __name__ == "__main__":
    main()
