"""NDCG@10 of search on a small judged query set, on SQLite and PostgreSQL, with a baseline.

    .venv/bin/python -m bench.search_judged [--engine sqlite|postgres|both]
        [--postgres-url postgresql+psycopg://user@host:port] [--baseline-rev REV | --no-baseline]

The works and the graded judgments are in bench/search_judged.json (see its "about"); the works
are registered in the order listed, so "registration order" is the order of that file. Each
query runs through the search use case (limit 10) and its page is scored with NDCG@10 (gain
2^grade - 1, log2 discount; a query nothing should match scores 1 when nothing comes back).

The baseline is the ranking of an earlier commit (`--baseline-rev`, by default the one before
relevance inside tiers: tiers, then registration order): that revision's `src/` is exported
with `git archive` and this same script runs on it in a child process, on a database of its
own, so both rankings are measured in one run on the same works and judgments. Results also go
to bench/out/search-judged.json. It is never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from bench import search_catalogue as cat
from clearinghouse.core.db import is_postgres, make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.registry.tables import Party, Work, WorkCreator, WorkTag
from clearinghouse.search import indexer, service

HERE = Path(__file__).parent
JUDGED = HERE / "search_judged.json"
OUT = HERE / "out"
K = 10
# main when relevance inside tiers began: tiers, then registration order.
BASELINE_REV = "8045747"
ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PARTY = f"pty_{cat._b32(cat.BASE_MS, 10)}{cat._b32(0, 16)}"


def load(engine: Engine, works: list[dict[str, Any]]) -> dict[str, str]:
    """Register the judged works (direct inserts, then the index rebuild); work id -> key."""
    upgrade(engine)
    ids = {cat.work_id(i): w["key"] for i, w in enumerate(works)}
    with engine.begin() as conn:
        conn.execute(Party.__table__.insert(), [{
            "id": PARTY, "kind": "organisation", "name": "评测 Judged Media", "roles": ["owner"],
            "contact_public": False, "version": 1, "created_at": cat.NOW, "updated_at": cat.NOW}])
        conn.execute(Work.__table__.insert(), [{
            "id": cat.work_id(i), "type_code": "short_video", "title": w["title"],
            "alt_titles": [{"title": t} for t in w.get("alt_titles", [])], "language": None,
            "length": 60, "moral_rights": "not_stated", "registrant_id": PARTY, "version": 1,
            "created_at": cat.NOW, "updated_at": cat.NOW} for i, w in enumerate(works)])
        conn.execute(WorkCreator.__table__.insert(), [
            {"work_id": cat.work_id(i), "position": p, "name": name, "role": "author"}
            for i, w in enumerate(works) for p, name in enumerate(w.get("creators", []))])
        conn.execute(WorkTag.__table__.insert(), [
            {"work_id": cat.work_id(i), "tag": tag}
            for i, w in enumerate(works) for tag in w.get("tags", [])])
    with unit_of_work(session_factory(engine)) as session:
        indexer.rebuild(session)
    return ids


def ndcg(ranked: list[str], judged: dict[str, int]) -> float:
    ideal = sorted(judged.values(), reverse=True)[:K]
    if not any(ideal):
        return 0.0 if ranked else 1.0
    dcg = sum((2 ** judged.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:K]))
    return dcg / sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))


def run(url: str) -> dict[str, Any]:
    """Load the judged works at `url`, run every query: per query, its page (keys) and NDCG."""
    data = json.loads(JUDGED.read_text("utf-8"))
    engine = make_engine(url)
    keys = load(engine, data["works"])
    out = []
    with unit_of_work(session_factory(engine)) as session:
        for query in data["queries"]:
            page = service.search(session, service.SearchParams(q=query["q"], limit=K))
            ranked = [keys[item.id] for item in page.items]
            out.append({"q": query["q"], "class": query["class"], "page": ranked,
                        "ndcg": round(ndcg(ranked, query["judged"]), 4)})
    postgres = is_postgres(engine)
    engine.dispose()
    return {"engine": "postgres" if postgres else "sqlite", "queries": out}


def baseline(rev: str, url: str) -> dict[str, Any]:
    """This script, run on `rev`'s src/ in a child process, against a database of its own."""
    root = Path(subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip())
    archive = subprocess.check_output(["git", "-C", str(root), "archive", rev, "src"])
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = os.environ | {"PYTHONPATH": f"{tmp}/src{os.pathsep}{root}"}
        done = subprocess.run([sys.executable, "-m", "bench.search_judged", "--child", url],
                              env=env, cwd=root, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def _database(engine_name: str, server: str | None, name: str, tmp: str) -> str:
    if engine_name == "sqlite":
        return f"sqlite:///{tmp}/{name}.sqlite3"
    assert server is not None
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def by_class(result: dict[str, Any]) -> dict[str, float]:
    groups: dict[str, list[float]] = defaultdict(list)
    for q in result["queries"]:
        groups[q["class"]].append(q["ndcg"])
        groups["overall"].append(q["ndcg"])
    return {c: round(sum(v) / len(v), 3) for c, v in groups.items()}


def report(results: dict[str, dict[str, Any]]) -> None:
    columns = list(results)
    classes = list(dict.fromkeys(c for r in results.values() for c in by_class(r)))
    classes = [c for c in classes if c != "overall"] + ["overall"]
    scores = {name: by_class(r) for name, r in results.items()}
    counts = defaultdict(int)
    for q in next(iter(results.values()))["queries"]:
        counts[q["class"]] += 1
        counts["overall"] += 1
    print(f"NDCG@{K} | queries | " + " | ".join(columns))
    print("--- | --- | " + " | ".join("---" for _ in columns))
    for c in classes:
        print(f"{c} | {counts[c]} | " + " | ".join(f"{scores[n].get(c, 0):.3f}" for n in columns))
    engines = [n for n in columns if "baseline" not in n]
    if len(engines) == 2:
        a, b = (results[n]["queries"] for n in engines)
        same = sum(x["page"] == y["page"] for x, y in zip(a, b, strict=True))
        print(f"\nsame top {K} on {engines[0]} and {engines[1]}: {same} of {len(a)} queries")
    for name, result in results.items():
        worst = sorted(result["queries"], key=lambda q: q["ndcg"])[:3]
        print(f"lowest on {name}: " + ", ".join(f"{q['q']!r} {q['ndcg']:.2f}" for q in worst))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", help="server URL; without it a throwaway PostgreSQL 15"
                        " cluster is started")
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the baseline's run: results on stdout
        print(json.dumps(run(args.child)))
        return
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    cluster, server = None, (args.postgres_url or "").rstrip("/") or None
    if "postgres" in engines and server is None:
        from tests.support.postgres import start_cluster

        cluster = start_cluster()
        server = cluster.url
    results: dict[str, dict[str, Any]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in engines:
                results[ENGINES[name]] = run(_database(name, server, "ch_judged", tmp))
                if not args.no_baseline:
                    url = _database(name, server, "ch_judged_baseline", tmp)
                    results[f"{ENGINES[name]} baseline {args.baseline_rev}"] = baseline(
                        args.baseline_rev, url)
    finally:
        if cluster is not None:
            cluster.stop()
    report(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search-judged.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
