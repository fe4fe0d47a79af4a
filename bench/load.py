"""Load benchmark: many concurrent loopback clients against a real server on the demo data.

    .venv/bin/python -m bench.load [--db sqlite|postgres|both] [--clients 200] [--seconds 600]
        [--baseline-clients 5] [--warmup 20] [--slow 4] [--malformed 2]

For each database: load the demo into a fresh data directory, start `clearinghouse serve` on a free
port, then run the mix twice: first with a handful of clients (the baseline), then with
`--clients` (the load). The mix is search 70%, work pages 15%, quotes 10%, purchases 5% (a quote
then its purchase, each with an Idempotency-Key, a fifth of them sent twice); alongside run a few
slow clients (send half a request, then stall) and malformed ones (broken JSON).

It prints p50/p95/p99 per operation, answers shed with 429/503, errors (5xx other than 503,
timeouts, refused connections), the server's memory after warm-up and at the end, whether
`/healthz` answers within 2 s once the load stops, and then checks the books with the library:
every purchase answered 201 is one licence (never two for one Idempotency-Key) and the ledger's
trial balance is zero in every currency. Ratios compare the load with the baseline in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import uvloop
from rich.console import Console
from rich.table import Table

OUT = Path(__file__).parent / "out"
console = Console()
BRAND = "chk_de0000000005_demo-licensee-brand"
SEARCHES = ["夏", "夏日", "星空的风", "美食", "city", "summer", "wind", "一条", "旅行", "love", "猫", "night"]
USE = {"purpose": "advertising", "channels": ["douyin"], "uses": 1,
       "portion": {"unit": "seconds", "value": 15}, "modified": False,
       "territories": ["CN"], "term_days": 365, "currency": "CNY"}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    shed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    purchases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    client_lag: list[float] = field(default_factory=list)  # ms the load generator's own loop ran late
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used by the generator and the server

    def error(self, op: str, what: str) -> None:
        self.errors[op] += 1
        if len(self.error_samples) < 8:
            self.error_samples.append(f"{op}: {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server and its worker processes."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in (children.read_text().split() if children.exists() else []):
        total += _cpu_seconds(int(child))
    return total


def _rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in (children.read_text().split() if children.exists() else []):
        total += _rss_mb(int(child))
    return total


class Server:
    """`clearinghouse serve` as a child process on a fresh data directory with the demo loaded."""

    def __init__(self, database_url: str | None, workers: int = 1) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ch-load-"))
        self.env = {**os.environ, "CLEARINGHOUSE_DATA_DIR": str(self.dir)}
        if database_url:
            self.env["CLEARINGHOUSE_DATABASE_URL"] = database_url
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        exe = str(Path(sys.executable).with_name("clearinghouse"))
        subprocess.run([exe, "demo", "--no-serve", "--json"], env=self.env, check=True,
                       capture_output=True)
        self.log = open(self.dir / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([exe, "serve", "--port", str(self.port), "--workers", str(workers)],
                                     env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()  # never leave it respawning workers behind us
        raise RuntimeError("server did not start within 60 s; see " + str(self.dir / "server.log"))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # a wedged server: the report says so (healthz), the run goes on
            self.proc.wait(timeout=15)
        self.log.close()


@dataclass
class Answer:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def _one(client: aiohttp.ClientSession, tally: Tally, op: str, method: str, url: str,
               **kw: Any) -> Answer | None:
    started = time.perf_counter()
    try:
        async with client.request(method, url, **kw) as resp:
            answer = Answer(resp.status, await resp.read())
    except (aiohttp.ClientError, TimeoutError) as exc:
        tally.error(op, type(exc).__name__)
        return None
    took = (time.perf_counter() - started) * 1000
    if answer.status_code in (429, 503):
        tally.shed[op] += 1
    elif answer.status_code >= 500:
        tally.error(op, f"{answer.status_code} {answer.body[:120]!r}")
    else:
        tally.latencies[op].append(took)
    return answer


async def _purchase(client: aiohttp.ClientSession, tally: Tally, rng: random.Random, work_id: str) -> None:
    auth = {"Authorization": f"Bearer {BRAND}"}
    quote = await _one(client, tally, "quote", "POST", "/api/v1/quotes", headers=auth,
                       json={**USE, "work_ids": [work_id]})
    if quote is None or quote.status_code != 201:
        return
    key = f"load-{rng.getrandbits(64):016x}"
    body = {"expected_total_minor": quote.json()["total"]["minor"]}
    for _ in range(2 if rng.random() < 0.2 else 1):  # a fifth are sent twice: must replay
        resp = await _one(client, tally, "purchase", "POST", f"/api/v1/quotes/{quote.json()['id']}/purchase",
                          headers={**auth, "Idempotency-Key": key}, json=body)
        if resp is not None and resp.status_code in (200, 201):
            tally.purchases[key].add(resp.json()["id"])


async def _client(client: aiohttp.ClientSession, tally: Tally, until: float, seed: int, works: list[str],
                  songs: list[str], think: float) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
        roll = rng.random()
        if roll < 0.70:
            await _one(client, tally, "search", "GET", "/api/v1/works",
                       params={"q": rng.choice(SEARCHES), "limit": 20})
        elif roll < 0.85:
            await _one(client, tally, "work", "GET", f"/api/v1/works/{rng.choice(works)}")
        elif roll < 0.95:
            await _one(client, tally, "quote", "POST", "/api/v1/quotes",
                       headers={"Authorization": f"Bearer {BRAND}"},
                       json={**USE, "work_ids": [rng.choice(songs)]})
        else:
            await _purchase(client, tally, rng, rng.choice(songs))


async def _slow_client(port: int, until: float) -> None:
    """Half a request body, then a stall: the server must not hold anything for it."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Authorization: Bearer " + BRAND.encode() + b"\r\nContent-Length: 400\r\n\r\n{\"wo")
            await writer.drain()
            await asyncio.sleep(min(15.0, max(0.0, until - time.monotonic())))
            writer.close()
        except OSError:
            await asyncio.sleep(1)


async def _malformed_client(client: aiohttp.ClientSession, tally: Tally, until: float) -> None:
    while time.monotonic() < until:
        resp = await _one(client, tally, "malformed", "POST", "/api/v1/quotes",
                          headers={"Authorization": f"Bearer {BRAND}",
                                   "Content-Type": "application/json"}, data=b'{"work_ids": [')
        if resp is not None and resp.status_code not in (422, 429, 503):
            tally.error("malformed", f"expected 422, got {resp.status_code}")
        await asyncio.sleep(0.2)


async def _watch_own_lag(tally: Tally, until: float) -> None:
    """The generator shares the machine: when its own loop runs late, latencies include that."""
    loop = asyncio.get_running_loop()
    while time.monotonic() < until:
        expected = loop.time() + 0.05
        await asyncio.sleep(0.05)
        tally.client_lag.append(max(0.0, loop.time() - expected) * 1000)


async def run_mix(server: Server, clients: int, seconds: float, slow: int, malformed: int,
                  works: list[str], songs: list[str], think: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    # One pool of kept-alive connections, one per client. aiohttp on uvloop: the generator shares
    # the server's cores, and httpx cost it about as much CPU per request as the server spent.
    pool = aiohttp.TCPConnector(limit=clients + malformed, limit_per_host=clients + malformed)
    async with aiohttp.ClientSession(base_url=server.base, connector=pool,
                                     timeout=aiohttp.ClientTimeout(total=30)) as client:
        tasks = [_client(client, tally, until, i, works, songs, think) for i in range(clients)]
        tasks += [_slow_client(server.port, until) for _ in range(slow)]
        tasks += [_malformed_client(client, tally, until) for _ in range(malformed)]
        tasks.append(_watch_own_lag(tally, until))
        await asyncio.gather(*tasks)
    return tally


def _run(job: Any) -> Any:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(job)


def _catalogue(base: str) -> tuple[list[str], list[str]]:
    works = [w["id"] for q in ("的", "a", "video") for w in
             httpx.get(f"{base}/api/v1/works", params={"q": q, "limit": 100}, timeout=30).json()["items"]]
    songs = [w["id"] for w in httpx.get(f"{base}/api/v1/works", params={"type": "sound_recording", "limit": 100},
                                         timeout=30).json()["items"]]
    return sorted(set(works)), songs


def _healthz_after(base: str) -> float | None:
    """Seconds until /healthz answers 200 once the load stops (None: not within 30 s)."""
    started = time.monotonic()
    while time.monotonic() - started < 30:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
    return None


def _books(server: Server, tally: Tally) -> dict[str, Any]:
    """Checked with the library, not the API: licences per key, and the trial balance."""
    from sqlalchemy import select

    from clearinghouse.core.db import make_engine, session_factory, unit_of_work
    from clearinghouse.core.settings import Settings
    from clearinghouse.ledger.service import trial_balance
    from clearinghouse.licensing.licenses.tables import License

    settings = Settings(data_dir=server.dir, database_url=server.env.get("CLEARINGHOUSE_DATABASE_URL"))
    engine = make_engine(settings.resolved_database_url)
    answered = set(tally.purchases)
    try:
        with unit_of_work(session_factory(engine)) as s:
            stored = Counter(s.scalars(select(License.idempotency_key)
                                       .where(License.idempotency_key.like("load-%"))).all())
            unbalanced = {cur: v for cur, v in trial_balance(s).items() if v != 0}
    finally:
        engine.dispose()
    # Lost: answered 201 but not stored. Doubled: one key, two licences (stored or answered).
    lost = sum(1 for key in answered if stored[key] == 0)
    doubled = sum(1 for key, n in stored.items() if n > 1) + sum(1 for ids in tally.purchases.values() if len(ids) > 1)
    return {"keys_bought": len(answered), "licences": sum(stored.values()), "lost": lost, "doubled": doubled,
            "unbalanced": unbalanced}


def _seconds(value: float | None) -> str:
    return "NO ANSWER" if value is None else f"{value:.2f} s"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run_database(label: str, url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    server = Server(url, args.workers)
    try:
        works, songs = _catalogue(server.base)
        console.print(f"[bold]{label}[/]: {len(works)} works, {len(songs)} recordings, server pid {server.proc.pid}")
        base = _run(run_mix(server, args.baseline_clients, args.baseline_seconds, 0, 0, works, songs,
                                   args.think))
        ramp = []
        for level in args.ramp:
            started, own_cpu, server_cpu = time.monotonic(), time.process_time(), _cpu_seconds(server.proc.pid)
            tally = _run(run_mix(server, level, args.ramp_seconds, 0, 0, works, songs, args.think))
            tally.cpu = {"generator": time.process_time() - own_cpu,
                         "server": _cpu_seconds(server.proc.pid) - server_cpu}
            ramp.append((level, time.monotonic() - started, tally))
        _run(run_mix(server, args.clients, args.warmup, 0, 0, works, songs, args.think))
        rss_warm = _rss_mb(server.proc.pid)
        load = _run(run_mix(server, args.clients, args.seconds, args.slow, args.malformed, works, songs,
                                   args.think))
        rss_end = _rss_mb(server.proc.pid)
        health = _healthz_after(server.base)
    finally:
        server.stop()
    books = _books(server, load)
    return {"label": label, "baseline": base, "load": load, "rss_warm": rss_warm, "rss_end": rss_end,
            "healthz_after_s": health, "books": books, "ramp": ramp, "dir": str(server.dir)}


def report_ramp(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Where the server stops serving: per number of clients, what it answered and how fast."""
    if not result["ramp"]:
        return []
    table = Table(title=f"{result['label']}: clients vs answers (each level run on its own)")
    for col in ("clients", "answered/s", "shed %", "errors", "read p99 ms", "quote p99 ms", "purchase p99 ms",
                "client lag p99 ms", "server CPU ms/answer", "generator CPU ms/answer"):
        table.add_column(col, justify="right")
    rows = []
    for level, seconds, tally in result["ramp"]:
        ok = sum(len(v) for v in tally.latencies.values())
        shed, errors = sum(tally.shed.values()), sum(tally.errors.values())
        reads = tally.latencies.get("search", []) + tally.latencies.get("work", [])
        row = {"clients": level, "answered_per_s": ok / seconds, "shed_pct": 100 * shed / max(1, ok + shed + errors),
               "errors": errors, "read_p99": _pct(reads, 99), "quote_p99": _pct(tally.latencies.get("quote", []), 99),
               "purchase_p99": _pct(tally.latencies.get("purchase", []), 99),
               "client_lag_p99": _pct(tally.client_lag, 99),
               "server_cpu_ms_per_answer": 1000 * tally.cpu.get("server", 0) / max(1, ok),
               "generator_cpu_ms_per_answer": 1000 * tally.cpu.get("generator", 0) / max(1, ok)}
        rows.append(row)
        table.add_row(str(level), f"{row['answered_per_s']:.0f}", f"{row['shed_pct']:.1f}", str(errors),
                      f"{row['read_p99']:.0f}", f"{row['quote_p99']:.0f}", f"{row['purchase_p99']:.0f}",
                      f"{row['client_lag_p99']:.0f}", f"{row['server_cpu_ms_per_answer']:.1f}",
                      f"{row['generator_cpu_ms_per_answer']:.1f}")
    console.print(table)
    return rows


def report(result: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    ramp = report_ramp(result)
    base, load = result["baseline"], result["load"]
    table = Table(title=f"{result['label']}: {args.clients} clients for {args.seconds:.0f} s "
                        f"vs {args.baseline_clients} clients (baseline)")
    for col in ("operation", "ok", "shed 429/503", "errors", "p50 ms", "p95 ms", "p99 ms",
                "baseline p99 ms", "p99 ratio"):
        table.add_column(col, justify="right")
    rows = {}
    for op in ("search", "work", "quote", "purchase", "malformed"):
        lat, blat = load.latencies.get(op, []), base.latencies.get(op, [])
        p99, bp99 = _pct(lat, 99), _pct(blat, 99)
        rows[op] = {"ok": len(lat), "shed": load.shed.get(op, 0), "errors": load.errors.get(op, 0),
                    "p50": _pct(lat, 50), "p95": _pct(lat, 95), "p99": p99, "baseline_p99": bp99}
        table.add_row(op, str(len(lat)), str(load.shed.get(op, 0)), str(load.errors.get(op, 0)),
                      f"{_pct(lat, 50):.1f}", f"{_pct(lat, 95):.1f}", f"{p99:.1f}", f"{bp99:.1f}",
                      f"{p99 / bp99:.1f}×" if bp99 == bp99 and bp99 > 0 else "-")
    console.print(table)
    console.print(f"the load generator's own loop ran late by p99 {_pct(load.client_lag, 99):.0f} ms "
                  "(latencies above include it: client and server share the machine)")
    growth = (result["rss_end"] - result["rss_warm"]) / result["rss_warm"] * 100
    books = result["books"]
    console.print(f"memory after warm-up {result['rss_warm']:.0f} MB, at end {result['rss_end']:.0f} MB "
                  f"({growth:+.1f}%); /healthz after load: "
                  f"{_seconds(result['healthz_after_s'])}")
    console.print(f"purchases: {books['keys_bought']} answered 201 under load, {books['lost']} of them lost, "
                  f"{books['doubled']} keys with two licences; {books['licences']} licences stored in all "
                  f"(clients that gave up may still have bought); "
                  f"unbalanced currencies: {books['unbalanced'] or 'none'}")
    if load.error_samples:
        console.print("error samples: " + "; ".join(load.error_samples))
    return {"label": result["label"], "ops": rows, "ramp": ramp, "rss_warm_mb": result["rss_warm"],
            "rss_end_mb": result["rss_end"], "rss_growth_pct": growth, "healthz_after_s": result["healthz_after_s"],
            "books": books}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--baseline-clients", type=int, default=5)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (serve --workers)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a client pauses between requests (exponential); 0: none")
    parser.add_argument("--ramp", type=lambda v: [int(x) for x in v.split(",") if x], default=[],
                        help="client counts to run one after another first, e.g. 10,25,50,100,200")
    parser.add_argument("--ramp-seconds", type=float, default=30)
    parser.add_argument("--slow", type=int, default=4)
    parser.add_argument("--malformed", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("CLEARINGHOUSE_LOG_LEVEL", "warning")
    summaries = []
    if args.db in ("sqlite", "both"):
        summaries.append(report(run_database("SQLite", None, args), args))
    if args.db in ("postgres", "both"):
        from tests.support.postgres import start_cluster

        cluster = start_cluster()
        try:
            import psycopg

            with psycopg.connect(cluster.url.replace("postgresql+psycopg", "postgresql") + "/postgres",
                                 autocommit=True) as conn:
                conn.execute("CREATE DATABASE load")
            summaries.append(report(run_database("PostgreSQL 15", cluster.url + "/load", args), args))
        finally:
            cluster.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / "load.json").write_text(json.dumps({"args": vars(args), "results": summaries}, indent=2, default=str))


if __name__ == "__main__":
    main()
