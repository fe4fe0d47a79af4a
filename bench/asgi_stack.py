"""CPU per request through the whole ASGI stack, in process, without an HTTP client.

    .venv/bin/python -m bench.asgi_stack [--repeat 2000] [--op search|refused|work|healthz|all]

Loads the demo into a fresh SQLite data directory (as bench/statements.py does), builds the app
and calls it as uvicorn would — one ASGI scope, `receive` and `send` per request — in a loop on
one event loop, so the figure is the app's own CPU (middleware, routing, dependencies, parameter
validation, the endpoint, serialisation) with no client's. Operations:

- `search`: `GET /api/v1/works?q=…&limit=20`, a public search (the load mix's 70%);
- `refused`: the same route with `limit=0`, answered 422 before any SQL: the framework's part
  of a search alone;
- `work`: a public work page;
- `healthz`: the smallest route through every middleware.

Run it under `py-spy record --format raw -o out.txt -- python -m bench.asgi_stack …` to see where
the CPU goes; compare runs one after the other (the machine is shared), not absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from bench.load import SEARCHES
from bench.statements import _demo
from clearinghouse.api.app import create_app
from clearinghouse.core.settings import Settings

Message = dict[str, Any]


async def call(app: Any, path: str, query: dict[str, Any] | None = None) -> tuple[int, bytes]:
    """One GET through the app as an ASGI server sends it: status and body."""
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": urlencode(query or {}, doseq=True).encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }
    sent: list[Message] = []
    delivered = False
    never = asyncio.Event()

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays: no disconnect
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def run(repeat: int, ops: list[str]) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ch-asgi-"))
    _demo(data_dir, None)
    app = create_app(Settings(data_dir=data_dir))
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        status, body = await call(app, "/api/v1/works", {"q": "的", "limit": 100})
        works = [w["id"] for w in orjson.loads(body)["items"]]
        requests = {
            "search": (lambda: ("/api/v1/works", {"q": rng.choice(SEARCHES), "limit": 20}), 200),
            "refused": (lambda: ("/api/v1/works", {"q": rng.choice(SEARCHES), "limit": 0}), 422),
            "work": (lambda: (f"/api/v1/works/{rng.choice(works)}", None), 200),
            "healthz": (lambda: ("/healthz", None), 200),
        }
        print(f"{'operation':<10} {'ms CPU/request':>15}")
        for name in ops:
            make, expected = requests[name]
            for _ in range(20):  # warm caches and the pool
                status, body = await call(app, *make())
                assert status == expected, (name, status, body[:300])
            started = time.process_time()
            for _ in range(repeat):
                status, _body = await call(app, *make())
                assert status == expected, (name, status)
            cpu_ms = 1000 * (time.process_time() - started) / repeat
            print(f"{name:<10} {cpu_ms:>15.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--op", choices=("search", "refused", "work", "healthz", "all"), default="all")
    args = parser.parse_args()
    os.environ.setdefault("CLEARINGHOUSE_LOG_LEVEL", "warning")
    ops = ["search", "refused", "work", "healthz"] if args.op == "all" else [args.op]
    asyncio.run(run(args.repeat, ops))


if __name__ == "__main__":
    main()
