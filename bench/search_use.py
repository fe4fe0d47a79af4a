"""Search by intended use: the same query mix with and without a use, in the same run.

    PYTHONPATH=src .venv/bin/python -m bench.search_use [--works 100000] [--queries 60] [--reuse]
        [--engine sqlite|postgres|both]

A catalogue from bench/search_catalogue.py (SQLite: bench/out/search-use-<N>.sqlite3;
PostgreSQL: a throwaway cluster started by tests/support/postgres.py), plus rate
cards: a catalogue-wide offer of synchronisation on `creator-short-video-30s` from a third of
the owners, and per-work offers (three works each) from a tenth. The use is a 15-second
commercial video on 抖音 in mainland China for a year; only compositions of owners who price
them clear it, a few percent of the catalogue, so the count walks far. Each query of the mix
runs in-process (one call of the search use case) twice: as it is, and with the use. Results
also go to bench/out/search-use-<engine>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench import search_catalogue as cat
from bench.search_mix import HEADINGS, TEXT_CLASSES, query_mix
from bench.search_timing import percentiles
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.licensing.catalogue.clearable_repository import rebuild_clearable_works
from clearinghouse.licensing.tables import LicenseTemplate, Offer
from clearinghouse.registry.tables import Holding
from clearinghouse.search import indexer, service
from clearinghouse.search.use_filter import UseParams

OUT = Path(__file__).parent / "out"
USE = UseParams(purpose="commercial", channels=("douyin",), portion_unit="seconds",
                portion_value=15, territories=("CN",), term_days=365)
CLASSES = (*TEXT_CLASSES, "tag_filter", "browse")


def add_offers(session: Any, seed: int) -> int:
    rng = random.Random(seed + 7)
    template = session.scalar(select(LicenseTemplate.id).where(
        LicenseTemplate.code == "creator-short-video-30s"))
    holders = sorted(set(session.scalars(select(Holding.holder_id))))
    rows = []
    for i, holder in enumerate(holders):
        roll = rng.random()
        if roll < 0.33:
            scope, works = "catalogue", []
        elif roll < 0.43:
            owned = session.scalars(select(Holding.work_id).where(
                Holding.holder_id == holder).limit(3)).all()
            scope, works = "works", list(owned)
        else:
            continue
        rows.append({"id": f"ofr_bench{i:08d}", "holder_id": holder, "template_id": template,
                     "scope": scope, "work_ids": works, "rights": ["synchronisation"],
                     "currency": "CNY", "fixed_fee_minor": rng.randint(100, 5000) * 100,
                     "declined": False, "status": "active", "created_by": holder,
                     "version": 1, "created_at": cat.NOW, "updated_at": cat.NOW})
    session.execute(Offer.__table__.insert(), rows)
    return len(rows)


def build(url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        cat.generate(conn, args.works, args.seed)
    with unit_of_work(session_factory(engine)) as s:
        offers = add_offers(s, args.seed)
        rebuild_clearable_works(s)  # the bulk insert bypassed the offers service
        indexer.rebuild(s)
    engine.dispose()
    print(f"built {args.works:,} works, {offers:,} offers in "
          f"{time.perf_counter() - started:.0f} s")


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)  # a reused catalogue from before a migration gets it (and its backfill)
    sessions = session_factory(engine)
    mix = [q for q in query_mix(args.queries, args.seed, args.works, 1) if q.kind in CLASSES]
    mix += [type(mix[0])("browse", {}) for _ in range(args.queries)]
    timings: dict[str, dict[str, list[float]]] = {k: {"plain": [], "use": []} for k in CLASSES}
    totals: dict[str, list[int]] = {k: [] for k in CLASSES}
    for q in mix[:30]:  # warm caches
        with sessions() as s:
            service.search(s, service.SearchParams(**q.params, use=USE))
    for q in mix:
        for way, use in (("plain", None), ("use", USE)):
            with sessions() as s:
                t0 = time.perf_counter()
                page = service.search(s, service.SearchParams(**q.params, use=use))
                timings[q.kind][way].append((time.perf_counter() - t0) * 1000)
            if use is not None:
                totals[q.kind].append(page.total)
    engine.dispose()
    return {k: {way: percentiles(v) for way, v in t.items()} | {
        "mean_total_with_use": sum(totals[k]) / max(1, len(totals[k]))} for k, t in timings.items()}


def report(name: str, args: argparse.Namespace, result: dict[str, Any]) -> None:
    print(f"{args.works:,} works, {name}, in-process ms ({args.queries} queries per class)")
    print(f"{'class':<12}{'p50':>8}{'p95':>8}{'use p50':>10}{'use p95':>10}{'p95 ratio':>11}"
          f"{'use total':>11}")
    for kind, r in result.items():
        ratio = r["use"]["p95"] / max(r["plain"]["p95"], 0.001)
        print(f"{HEADINGS.get(kind, kind):<12}{r['plain']['p50']:>8.1f}{r['plain']['p95']:>8.1f}"
              f"{r['use']['p50']:>10.1f}{r['use']['p95']:>10.1f}{ratio:>11.2f}"
              f"{r['mean_total_with_use']:>11.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60, help="per class")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--reuse", action="store_true", help="SQLite: the catalogue built before")
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    for name in engines:
        cluster = None
        if name == "postgres":
            from tests.support.postgres import start_cluster

            cluster = start_cluster()
            url = f"{cluster.url}/postgres"
            build(url, args)
        else:
            path = OUT / f"search-use-{args.works}.sqlite3"
            url = f"sqlite:///{path}"
            if not (args.reuse and path.exists()):
                path.unlink(missing_ok=True)
                build(url, args)
        try:
            result = measure(url, args)
        finally:
            if cluster is not None:
                cluster.stop()
        label = "SQLite" if name == "sqlite" else "PostgreSQL 15"
        report(label, args, result)
        (OUT / f"search-use-{name}.json").write_text(json.dumps(
            {"works": args.works, "engine": name, "classes": result}, indent=2))


if __name__ == "__main__":
    main()
