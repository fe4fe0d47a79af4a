"""Grants benchmark: "which active license covers work W (right R) for party P on channel C in
country X on day D?" from license_grants rows, against today's JSON, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.grants [--licences 1000000] [--lookups 10000000] [--batch 1000000]
        [--singles 20000] [--json-lookups 2000] [--db sqlite|postgres|both] [--seed 11]

For each database: a fresh migrated database; `--licences` licenses with 1-2 lines, 1-2 countries
and 1-2 platforms each (licenses, lines and grants written by bulk load: COPY on PostgreSQL,
executemany on SQLite, foreign keys off); then `--singles` single lookups (p50/p95), `--lookups`
lookups through the batch form in calls of `--batch`, and `--json-lookups` lookups the way the
JSON allows (licenses joined to lines by work and licensee, territory and channels of `use`
expanded and filtered in Python). About 70% of questions hit a license. Target: p95 < 1 ms per
single lookup, batch >= 200,000 lookups/s. The batch answers from an in-memory copy of the active
grants (grants_snapshot.py): its first call loads the copy, timed apart ("copy load s") and
checked against the single lookups. Prints a table; writes bench/out/grants.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from clearinghouse.core.db import is_postgres, make_engine, session_factory
from clearinghouse.core.migrate import upgrade
from clearinghouse.core.territories import expand
from clearinghouse.licensing.licenses import grants_repository, grants_snapshot
from clearinghouse.licensing.licenses.grants import CoverageQuestion, channels_of

OUT = Path(__file__).parent / "out"
console = Console(width=200)
COUNTRIES = ["CN"] * 6 + ["HK", "MO", "TW", "SG", "US", "JP"]
PLATFORMS = ["douyin", "kuaishou", "bilibili", "xigua", "weibo", "wechat_channels"]
RIGHTS = ["synchronisation", "master_use", "reproduce"]
EPOCH = date(2025, 1, 1)
CHUNK = 50_000
NOW = "2026-12-01T00:00:00+00:00"


def licences(n: int, seed: int, first: int | None = None) -> Iterator[
        tuple[int, int, list[tuple[int, str]], list[str], list[str], date]]:
    """(i, licensee, [(work, right)], countries, platforms, start): deterministic for (n, seed);
    `first` stops early with the same licences."""
    rnd = random.Random(seed)
    works, parties = max(n // 10, 10), max(n // 100, 10)
    for i in range(n if first is None else min(first, n)):
        lines = [(rnd.randrange(works), rnd.choice(RIGHTS)) for _ in range(rnd.randint(1, 2))]
        countries = sorted(set(rnd.sample(COUNTRIES, rnd.randint(1, 2))))
        platforms = sorted(set(rnd.sample(PLATFORMS, rnd.randint(1, 2))))
        yield i, rnd.randrange(parties), lines, countries, platforms, EPOCH + timedelta(
            days=rnd.randrange(600))


def _rows(batch: list[Any], sqlite: bool) -> tuple[list[tuple], list[tuple], list[tuple]]:
    day = (lambda d: d.isoformat()) if sqlite else (lambda d: d)
    lic_rows, line_rows, grant_rows = [], [], []
    for i, party, lines, countries, platforms, start in batch:
        lid, pid, end = f"lic_{i:09d}", f"pty_{party:07d}", start + timedelta(days=365)
        use = {"work_ids": sorted({f"wrk_{w:08d}" for w, _ in lines}), "purpose": "commercial",
               "channels": platforms, "uses": 1, "portion": {"unit": "whole", "value": None},
               "modified": False, "territories": countries, "territories_excluded": [],
               "start": start.isoformat(), "term_days": 365, "exclusive": False}
        lic_rows.append((lid, f"quo_{i:09d}", pid, "active", json.dumps(use),
                         json.dumps(use["work_ids"]), json.dumps(sorted({r for _, r in lines})),
                         False, day(start), day(end), "CNY", 0, 0, 0, 0, "{}", "[]", lid, "0" * 64,
                         1, NOW, NOW))
        for pos, (w, right) in enumerate(lines):
            line_id, wid = f"lil_{i:09d}_{pos}", f"wrk_{w:08d}"
            line_rows.append((line_id, lid, pos, wid, "t", right, pid, "h", 1_000_000, "CNY", 0,
                              0, 0, 0, json.dumps(countries)))
            grant_rows += [(lid, line_id, wid, right, pid, c, ch, day(start), day(end), "active",
                            False) for c in countries for ch in platforms]
    return lic_rows, line_rows, grant_rows


LIC_SQL = ("INSERT INTO licenses (id, quote_id, licensee_id, status, use, work_ids, rights, "
           "exclusive, valid_from, valid_to, currency, subtotal_minor, licensee_fee_minor, "
           "owner_fee_minor, total_minor, totals, unclearable, idempotency_key, request_hash, "
           "version, created_at, updated_at) VALUES ({})")
LINE_SQL = ('INSERT INTO license_lines (id, license_id, position, work_id, work_title, "right", '
            "holder_id, holder_name, share_ppm, offer_currency, upfront_minor, "
            "upfront_converted_minor, owner_fee_minor, holder_net_minor, countries) VALUES ({})")


def _insert(session: Any, sql: str, rows: list[tuple]) -> None:
    """SQLite: one executemany."""
    cur = session.connection().connection.driver_connection.cursor()
    cur.executemany(sql.format(", ".join(["?"] * len(rows[0]))), rows)
    cur.close()


def _copy(session: Any, table: str, columns: str, rows: list[tuple]) -> None:
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


LIC_COLS = ("id, quote_id, licensee_id, status, use, work_ids, rights, exclusive, valid_from, "
            "valid_to, currency, subtotal_minor, licensee_fee_minor, owner_fee_minor, "
            "total_minor, totals, unclearable, idempotency_key, request_hash, version, "
            "created_at, updated_at")
LINE_COLS = ('id, license_id, position, work_id, work_title, "right", holder_id, holder_name, '
             "share_ppm, offer_currency, upfront_minor, upfront_converted_minor, "
             "owner_fee_minor, holder_net_minor, countries")


def generate(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    sqlite = not is_postgres(engine)
    started, grants = time.perf_counter(), 0
    sessions = session_factory(engine)
    with sessions() as s:
        if sqlite:
            s.execute(text("PRAGMA cache_size=-524288"))
        else:
            s.execute(text("SET session_replication_role = replica"))  # no FK triggers
        batch: list[Any] = []
        for item in licences(args.licences, args.seed):
            batch.append(item)
            if len(batch) == CHUNK:
                grants += _load(s, batch, sqlite)
                batch = []
        if batch:
            grants += _load(s, batch, sqlite)
        s.commit()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    seconds = time.perf_counter() - started
    console.print(f"  {args.licences:,} licences, {grants:,} grants loaded in {seconds:.1f} s")
    return {"licences": args.licences, "grants": grants, "load_s": round(seconds, 1)}


def _load(s: Any, batch: list[Any], sqlite: bool) -> int:
    lic_rows, line_rows, grant_rows = _rows(batch, sqlite)
    if sqlite:
        _insert(s, LIC_SQL, lic_rows)
        _insert(s, LINE_SQL, line_rows)
    else:
        _copy(s, "licenses", LIC_COLS, lic_rows)
        _copy(s, "license_lines", LINE_COLS, line_rows)
    grants_repository.bulk_load(s, grant_rows)
    return len(grant_rows)


_SAMPLES: dict[tuple[int, int], list[Any]] = {}


def _sample(args: argparse.Namespace) -> list[Any]:
    """The first licences again (same seed): questions about them hit."""
    key = (args.licences, args.seed)
    if key not in _SAMPLES:
        _SAMPLES[key] = list(licences(args.licences, args.seed, first=200_000))
    return _SAMPLES[key]


def questions(n: int, args: argparse.Namespace, seed: int) -> list[CoverageQuestion]:
    """~70% that a license covers (a licence's own work, platform, country, day), 30% random."""
    rnd = random.Random(seed)
    works, parties = max(args.licences // 10, 10), max(args.licences // 100, 10)
    out: list[CoverageQuestion] = []
    sample = _sample(args)
    for _ in range(n):
        if rnd.random() < 0.7:
            _, party, lines, countries, platforms, start = rnd.choice(sample)
            w, right = rnd.choice(lines)
            out.append(CoverageQuestion(
                f"wrk_{w:08d}", f"pty_{party:07d}", rnd.choice(platforms), rnd.choice(countries),
                start + timedelta(days=rnd.randrange(365)), right if rnd.random() < 0.5 else None))
        else:
            out.append(CoverageQuestion(
                f"wrk_{rnd.randrange(works):08d}", f"pty_{rnd.randrange(parties):07d}",
                rnd.choice(PLATFORMS), rnd.choice(COUNTRIES),
                EPOCH + timedelta(days=rnd.randrange(900))))
    return out


def json_lookup(s: Any, q: CoverageQuestion) -> list[str]:
    """Today's way: lines by work and licensee, then the use's JSON filtered in Python."""
    rows = s.execute(text(
        'SELECT l.id, l.use, l.valid_from, l.valid_to, ln."right" FROM license_lines ln '
        "JOIN licenses l ON l.id = ln.license_id WHERE ln.work_id = :w AND l.licensee_id = :p "
        "AND l.status = 'active'"), {"w": q.work_id, "p": q.licensee_id}).all()
    found = set()
    for lid, use, start, end, right in rows:
        use = json.loads(use) if isinstance(use, str) else use
        start = date.fromisoformat(start) if isinstance(start, str) else start
        end = date.fromisoformat(end) if isinstance(end, str) else end
        if (q.right in (None, right) and start <= q.on and (end is None or q.on < end)
                and q.country in expand(use["territories"], use["territories_excluded"])
                and q.channel in channels_of(use["channels"])):
            found.add(lid)
    return sorted(found)


def _pcts(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


def measure(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    sessions = session_factory(engine)
    result: dict[str, Any] = {}
    with sessions() as s:
        singles = questions(args.singles, args, 1)
        for q in singles[:200]:  # warm the statement cache and the pages
            grants_repository.covering(s, q)
        times, hits = [], 0
        for q in singles:
            t0 = time.perf_counter()
            hits += bool(grants_repository.covering(s, q))
            times.append(time.perf_counter() - t0)
        result["single_p50_ms"], result["single_p95_ms"] = _pcts(times)
        result["single_hit_rate"] = round(hits / len(singles), 3)
        json_qs = singles[: args.json_lookups]
        times, agree = [], 0
        for q in json_qs:
            t0 = time.perf_counter()
            found = json_lookup(s, q)
            times.append(time.perf_counter() - t0)
            agree += found == grants_repository.covering(s, q)
        result["json_p50_ms"], result["json_p95_ms"] = _pcts(times)
        result["json_per_s"] = round(len(times) / sum(times))
        result["json_agrees"] = f"{agree}/{len(json_qs)}"
        s.rollback()
        t0 = time.perf_counter()  # the first batch loads the in-memory copy: timed on its own
        first = grants_snapshot.covering_batch(s, singles)
        result["copy_load_s"] = round(time.perf_counter() - t0, 1)
        result["batch_agrees"] = batch_agrees = first == [
            grants_repository.covering(s, q) for q in singles]
        console.print(f"  in-memory copy loaded in {result['copy_load_s']} s; "
                      f"batch agrees with single lookups: {batch_agrees}")
        s.rollback()
        done, spent, cpu, covered = 0, 0.0, 0.0, 0
        while done < args.lookups:
            size = min(args.batch, args.lookups - done)
            batch = questions(size, args, 100 + done)
            t0, c0 = time.perf_counter(), time.process_time()
            answers = grants_snapshot.covering_batch(s, batch)
            spent += time.perf_counter() - t0
            cpu += time.process_time() - c0  # this process's own CPU: what a shared machine hides
            covered += sum(1 for a in answers if a)
            done += size
            s.rollback()  # ends the read transaction
            console.print(f"  batch: {done:,} lookups, {done / spent:,.0f}/s")
        result["batch_lookups"] = done
        result["batch_per_s"] = round(done / spent)
        result["batch_per_cpu_s"] = round(done / cpu)
        result["load_average"] = os.getloadavg()[0]
        result["batch_hit_rate"] = round(covered / done, 3)
    return result


def run(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    console.print(f"[bold]{name}[/bold]")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    if not is_postgres(engine):
        @event.listens_for(engine, "connect")
        def _no_foreign_keys(dbapi_conn: Any, _record: Any) -> None:  # bulk load only
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")
    out = {"database": name} | generate(engine, args) | measure(engine, args)
    engine.dispose()
    return out


def report(rows: list[dict[str, Any]]) -> None:
    table = Table(title="coverage lookups: license_grants rows vs today's JSON")
    for col in ("database", "licences", "grants", "single p50 ms", "single p95 ms",
                "JSON p50 ms", "JSON p95 ms", "p95 ratio JSON/rows", "batch lookups/s", "per CPU s",
                "JSON lookups/s", "throughput ratio", "copy load s", "load avg", "agree"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            r["database"], f"{r['licences']:,}", f"{r['grants']:,}",
            f"{r['single_p50_ms']:.3f}", f"{r['single_p95_ms']:.3f}",
            f"{r['json_p50_ms']:.3f}", f"{r['json_p95_ms']:.3f}",
            f"{r['json_p95_ms'] / r['single_p95_ms']:.1f}x", f"{r['batch_per_s']:,}",
            f"{r['batch_per_cpu_s']:,}",
            f"{r['json_per_s']:,}", f"{r['batch_per_s'] / r['json_per_s']:.0f}x",
            f"{r['copy_load_s']}", f"{r['load_average']:.1f}", f"JSON {r['json_agrees']}, batch {r['batch_agrees']}")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--licences", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--singles", type=int, default=20_000)
    parser.add_argument("--json-lookups", type=int, default=2_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-grants-") as tmp:
        if args.db in ("sqlite", "both"):
            rows.append(run("SQLite", f"sqlite:///{tmp}/grants.sqlite3", args))
        if args.db in ("postgres", "both"):
            from tests.support.postgres import start_cluster

            cluster = start_cluster()
            try:
                with make_engine(f"{cluster.url}/postgres").connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                        "CREATE DATABASE grants")
                rows.append(run("PostgreSQL 15", f"{cluster.url}/grants", args))
            finally:
                cluster.stop()
    report(rows)
    OUT.mkdir(exist_ok=True)
    (OUT / "grants.json").write_text(json.dumps({"args": vars(args), "results": rows}, indent=2))


if __name__ == "__main__":
    main()
