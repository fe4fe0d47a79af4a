"""Authentication benchmark: a flood of wrong keys, and the cost of checking a right one.

    .venv/bin/python -m bench.auth [--wrong 500] [--right 500]

In-process (FastAPI TestClient) on a temporary SQLite database, default settings:
  1. `--wrong` requests with random wrong keys from one client address: how many were refused
     (401) and throttled (429), how long they took, and how many audit rows the batch wrote;
  2. `--right` GET /api/v1/me with a valid key against GET /healthz without one, as the floor.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from clearinghouse.access.domain import Role
from clearinghouse.api.app import create_app
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.migrate import upgrade
from clearinghouse.core.settings import Settings
from clearinghouse.core.tables import AuditEvent
from clearinghouse.registry import parties_service
from clearinghouse.registry.schemas import KeyCreate, PartyCreate

console = Console()


def _latencies_ms(client: TestClient, path: str, headers: dict[str, str], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get(path, headers=headers).status_code == 200
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wrong", type=int, default=500)
    parser.add_argument("--right", type=int, default=500)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-auth-"))
    url = f"sqlite:///{data / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(session_factory(engine)) as s:
        party = parties_service.create_party(s, None, PartyCreate(name="Bench", roles=[Role.OWNER]))
        _, token = parties_service.create_key(s, None, KeyCreate(party_id=party.id))
    app = create_app(Settings(data_dir=data, database_url=url))
    with TestClient(app) as attacker:
        start = time.perf_counter()
        codes = Counter(
            attacker.get("/api/v1/me", headers={
                "Authorization": f"Bearer chk_{secrets.token_hex(6)}_{secrets.token_urlsafe(24)}"}
            ).status_code
            for _ in range(args.wrong))
        flood_s = time.perf_counter() - start
        app.state.auth.writer.write_now()
        with session_factory(engine)() as s:
            rows = s.scalar(select(func.count()).where(AuditEvent.action == "auth.failed"))
        user = TestClient(app, client=("192.0.2.1", 1))
        user.get("/healthz")
        right = _latencies_ms(user, "/api/v1/me", {"Authorization": f"Bearer {token}"}, args.right)
        floor = _latencies_ms(user, "/healthz", {}, args.right)

    table = Table(title=f"{args.wrong} wrong keys from one client, then {args.right} right ones")
    for column in ("measure", "value"):
        table.add_column(column)
    table.add_row("401 refused / 429 throttled", f"{codes[401]} / {codes[429]}")
    table.add_row("flood wall time", f"{flood_s:.2f} s")
    table.add_row("audit rows written for the flood", str(rows))
    table.add_row("GET /api/v1/me with a key, p50 / p99",
                  f"{statistics.median(right):.2f} / {statistics.quantiles(right, n=100)[98]:.2f} ms")
    table.add_row("GET /healthz without, p50 / p99",
                  f"{statistics.median(floor):.2f} / {statistics.quantiles(floor, n=100)[98]:.2f} ms")
    console.print(table)
    engine.dispose()


if __name__ == "__main__":
    main()
