"""CPU per request through the whole ASGI stack, in process, without an HTTP client.

    .venv/bin/python -m bench.asgi_stack [--repeat 2000] [--op search|refused|work|healthz|quote|purchase|all]

Loads the demo into a fresh SQLite data directory (as bench/statements.py does), builds the app
and calls it as uvicorn would — one ASGI scope, `receive` and `send` per request — in a loop on
one event loop, so the figure is the app's own CPU (middleware, routing, dependencies, parameter
validation, the endpoint, serialisation) with no client's. Operations:

- `search`: `GET /api/v1/works?q=…&limit=20`, a public search (the load mix's 70%);
- `refused`: the same route with `limit=0`, answered 422 before any SQL: the framework's part
  of a search alone;
- `work`: a public work page;
- `healthz`: the smallest route through every middleware;
- `quote`: `POST /api/v1/quotes` for one sound recording, as the demo's brand (the mix's 10%);
- `purchase`: `POST /api/v1/quotes/{id}/purchase` of a quote made before the clock starts (5%).

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

from bench.load import BRAND, SEARCHES, USE
from bench.statements import _demo
from clearinghouse.api.app import create_app
from clearinghouse.core.settings import Settings

Message = dict[str, Any]


async def call(app: Any, path: str, query: dict[str, Any] | None = None, *,
               body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request through the app as an ASGI server sends it (a POST when given a JSON body)."""
    raw_headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    payload = b"" if body is None else orjson.dumps(body)
    if body is not None:
        raw_headers += [(b"content-type", b"application/json"),
                        (b"content-length", str(len(payload)).encode())]
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": "GET" if body is None else "POST", "scheme": "http", "path": path,
        "raw_path": path.encode(), "query_string": urlencode(query or {}, doseq=True).encode(),
        "root_path": "", "headers": raw_headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }
    sent: list[Message] = []
    delivered = False
    never = asyncio.Event()

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": payload, "more_body": False}
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
        status, body = await call(app, "/api/v1/works", {"type": "sound_recording", "limit": 100})
        songs = [w["id"] for w in orjson.loads(body)["items"]]
        auth = {"Authorization": f"Bearer {BRAND}"}
        quotes: list[dict[str, Any]] = []

        async def quote() -> tuple[int, bytes]:
            return await call(app, "/api/v1/quotes", headers=auth,
                              body={**USE, "work_ids": [rng.choice(songs)]})

        async def purchase() -> tuple[int, bytes]:
            made = quotes.pop()
            return await call(app, f"/api/v1/quotes/{made['id']}/purchase",
                              headers={**auth, "Idempotency-Key": f"asgi-{rng.getrandbits(64):016x}"},
                              body={"expected_total_minor": made["total"]["minor"]})

        if "purchase" in ops:  # quoted outside the clock: quotes that clear every line
            while len(quotes) < repeat + 20:
                status, body = await quote()
                assert status == 201, body[:300]
                if not orjson.loads(body)["unclearable"]:
                    quotes.append(orjson.loads(body))
        requests = {
            "search": (lambda: ("/api/v1/works", {"q": rng.choice(SEARCHES), "limit": 20}), 200),
            "refused": (lambda: ("/api/v1/works", {"q": rng.choice(SEARCHES), "limit": 0}), 422),
            "work": (lambda: (f"/api/v1/works/{rng.choice(works)}", None), 200),
            "healthz": (lambda: ("/healthz", None), 200),
            "quote": (quote, 201),
            "purchase": (purchase, 201),
        }
        print(f"{'operation':<10} {'ms CPU/request':>15}")
        for name in ops:
            make, expected = requests[name]
            send = make if name in ("quote", "purchase") else (lambda make=make: call(app, *make()))
            for _ in range(20):  # warm caches and the pool
                status, body = await send()
                assert status == expected, (name, status, body[:300])
            started = time.process_time()
            for _ in range(repeat):
                status, _body = await send()
                assert status == expected, (name, status)
            cpu_ms = 1000 * (time.process_time() - started) / repeat
            print(f"{name:<10} {cpu_ms:>15.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--op", choices=("search", "refused", "work", "healthz", "quote", "purchase", "all"),
                        default="all")
    args = parser.parse_args()
    os.environ.setdefault("CLEARINGHOUSE_LOG_LEVEL", "warning")
    ops = ["search", "refused", "work", "healthz", "quote", "purchase"] if args.op == "all" else [args.op]
    asyncio.run(run(args.repeat, ops))


if __name__ == "__main__":
    main()
