"""Statements and server CPU per answer for each operation of the load mix, in process.

    .venv/bin/python -m bench.statements [--db sqlite|postgres] [--repeat 200] [--show search]

Loads the demo into a fresh data directory (as bench/load.py does), builds the app and sends each
operation of the mix (search, work page, quote, purchase) through it: prints how many SQL
statements one answer runs (counted with a `before_cursor_execute` hook on the app's engines) and
the CPU time one answer takes in this process (the ASGI test client included, so compare runs, not
absolute numbers; the server's own CPU is what bench/load.py measures). `--show OP` prints the
statements of one answer of that operation.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from bench.load import BRAND, SEARCHES, USE
from clearinghouse.api.app import create_app
from clearinghouse.core.settings import Settings

AUTH = {"Authorization": f"Bearer {BRAND}"}


@contextmanager
def counting(engines: list[Any]) -> Iterator[list[str]]:
    """Every statement the engines run while the block runs, in order."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def _demo(data_dir: Path, database_url: str | None) -> None:
    env = {**os.environ, "CLEARINGHOUSE_DATA_DIR": str(data_dir)}
    if database_url:
        env["CLEARINGHOUSE_DATABASE_URL"] = database_url
    exe = str(Path(sys.executable).with_name("clearinghouse"))
    subprocess.run([exe, "demo", "--no-serve", "--json"], env=env, check=True, capture_output=True)


def operations(client: TestClient, rng: random.Random) -> dict[str, Callable[[], Any]]:
    works = sorted({w["id"] for q in ("的", "a", "video")
                    for w in client.get("/api/v1/works", params={"q": q, "limit": 100}).json()["items"]})
    songs = [w["id"] for w in client.get("/api/v1/works", params={"type": "sound_recording",
                                                                  "limit": 100}).json()["items"]]

    def search() -> Any:
        return client.get("/api/v1/works", params={"q": rng.choice(SEARCHES), "limit": 20})

    def work() -> Any:
        return client.get(f"/api/v1/works/{rng.choice(works)}")

    def quote() -> Any:
        return client.post("/api/v1/quotes", headers=AUTH, json={**USE, "work_ids": [rng.choice(songs)]})

    quotes: list[dict[str, Any]] = []

    def purchase() -> Any:
        if not quotes:  # quoted outside the count, as the mix quotes before it buys
            raise LookupError("no quote left")
        q = quotes.pop()
        return client.post(f"/api/v1/quotes/{q['id']}/purchase",
                           headers={**AUTH, "Idempotency-Key": f"stmt-{rng.getrandbits(64):016x}"},
                           json={"expected_total_minor": q["total"]["minor"]})

    def stock(n: int) -> None:
        while len(quotes) < n:  # quotes that clear everything: those a purchase takes whole
            resp = quote()
            assert resp.status_code == 201, resp.text
            if not resp.json()["unclearable"]:
                quotes.append(resp.json())

    return {"search": search, "work": work, "quote": quote, "purchase": purchase, "_stock": stock}


def measure(database_url: str | None, repeat: int, show: str | None) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ch-stmt-"))
    _demo(data_dir, database_url)
    app = create_app(Settings(data_dir=data_dir, database_url=database_url))
    engines = list({id(e): e for e in (app.state.engine, app.state.read_sessions.kw["bind"])}.values())
    with TestClient(app) as client:
        ops = operations(client, random.Random(7))
        ops["_stock"](repeat + 10)
        print(f"{'operation':<10} {'statements/answer':>18} {'ms CPU/answer':>14}  statements of one answer")
        for name in ("search", "work", "quote", "purchase"):
            op = ops[name]
            for _ in range(5):  # warm caches and the pool
                warm = op()
                assert warm.status_code < 300, warm.text
            per_answer: Counter[int] = Counter()
            with counting(engines) as seen:
                before = len(seen)
                warm = op()
                assert warm.status_code < 300, warm.text
                one = seen[before:]
            started = time.process_time()
            with counting(engines) as seen:
                for _ in range(repeat):
                    mark = len(seen)
                    resp = op()
                    assert resp.status_code < 300, resp.text
                    per_answer[len(seen) - mark] += 1
            cpu_ms = 1000 * (time.process_time() - started) / repeat
            counts = ", ".join(f"{n}×{k}" for n, k in sorted(per_answer.items()))
            kinds = Counter(s.split(None, 1)[0].upper() for s in one)
            print(f"{name:<10} {counts:>18} {cpu_ms:>14.2f}  {dict(kinds)}")
            if show == name:
                for statement in one:
                    print("    " + " ".join(statement.split())[:300])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--show", choices=("search", "work", "quote", "purchase"),
                        help="print the statements of one answer of this operation")
    args = parser.parse_args()
    os.environ.setdefault("CLEARINGHOUSE_LOG_LEVEL", "warning")
    if args.db == "sqlite":
        measure(None, args.repeat, args.show)
        return
    import psycopg
    from tests.support.postgres import start_cluster

    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.url.replace("postgresql+psycopg", "postgresql") + "/postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE stmt")
        measure(cluster.url + "/stmt", args.repeat, args.show)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
