"""Timing the query mix three ways: the search use case in-process, the real app over HTTP, and
a plain full-text query on the same tokenisation (the floor the engine itself sets)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from bench.search_mix import Query
from clearinghouse.core.db import is_postgres, session_factory
from clearinghouse.search import expressions as ex
from clearinghouse.search import service
from clearinghouse.search.query import ANYWHERE, Clause, Field, Mode, Tier, parse_text

WARMUP = 30  # queries run first and not counted: caches, connections, prepared statements
Timings = dict[str, list[float]]


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return {"p50": v, "p95": v, "p99": v, "max": v}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def _timed(mix: list[Query], one: Callable[[Query], int | None],
           cpu: Timings | None = None) -> tuple[Timings, Timings]:
    """Milliseconds per kind, and the totals each query reported (None: not run); `cpu`
    collects this process's CPU milliseconds per query, which other load on the machine
    barely changes (with SQLite that is all the work; PostgreSQL's own is not in it)."""
    timings: Timings = {}
    totals: Timings = {}
    for i, query in enumerate(mix[:WARMUP] + mix):
        started, cpu_started = time.perf_counter(), time.process_time()
        total = one(query)
        elapsed = (time.perf_counter() - started) * 1000
        if i < WARMUP or total is None:
            continue
        timings.setdefault(query.kind, []).append(elapsed)
        totals.setdefault(query.kind, []).append(total)
        if cpu is not None:
            cpu.setdefault(query.kind, []).append((time.process_time() - cpu_started) * 1000)
    return timings, totals


def in_process(engine: Engine, mix: list[Query], cpu: Timings) -> tuple[Timings, Timings]:
    """One call of the search use case per query, in its own session (what the API runs)."""
    sessions = session_factory(engine)

    def one(query: Query) -> int:
        with sessions() as session:
            return service.search(session, service.SearchParams(**query.params)).total

    return _timed(mix, one, cpu)


def plain_fulltext(engine: Engine, mix: list[Query]) -> Timings:
    """The first 20 matches anywhere, in whatever order the engine finds them: no tiers, no
    count, no description. FTS5 MATCH on SQLite, `tsv @@ tsquery` on PostgreSQL."""
    pg = is_postgres(engine)
    sql = text("SELECT doc_no FROM search_documents WHERE tsv @@ CAST(:m AS tsquery) LIMIT 20"
               if pg else "SELECT rowid FROM search_fts WHERE search_fts MATCH :m LIMIT 20")
    anywhere = Tier("anywhere", ANYWHERE)
    creators = Tier("creators", Clause((Field.CREATORS,), Mode.ALL))  # every word, any order
    with engine.connect() as conn:
        def one(query: Query) -> int | None:
            if len(query.params) != 1 or query.text is None:
                return None  # only the plain text classes have a plain counterpart
            parsed = parse_text(query.text)
            if parsed is None:
                return None
            tier = creators if "creator" in query.params else anywhere
            match = ex.ts_tier(parsed, tier) if pg else ex.fts_tier(parsed, tier)
            return len(conn.execute(sql, {"m": match}).all())

        timings, _ = _timed(mix, one)
    return timings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """`clearinghouse serve` on a free port, in a child process, against the bench database."""
    data_dir = Path(tempfile.mkdtemp(prefix="ch-search-bench-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARINGHOUSE_")}
    env |= {"CLEARINGHOUSE_DATA_DIR": str(data_dir), "CLEARINGHOUSE_DATABASE_URL": database_url,
            "CLEARINGHOUSE_LOG_LEVEL": "warning"}
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "clearinghouse.cli.main", "serve", "--port",
                             str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {data_dir / 'server.log'}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def over_http(database_url: str, mix: list[Query]) -> tuple[Timings, Timings]:
    """One client, one request at a time, keep-alive: the latency a person sees, warm."""
    with serving(database_url) as base, httpx.Client(base_url=base, timeout=30) as client:
        def one(query: Query) -> int:
            response = client.get("/api/v1/works", params=query.params)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return int(body["total"])

        return _timed(mix, one)
