"""Under a burst of clients the server sheds load, gives every connection back, keeps /healthz
answering and recovers by itself; a client that stalls mid-body holds nothing."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from clearinghouse.api.app import create_app
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.settings import Settings
from tests.support.live import serving

BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}
USE = {"purpose": "advertising", "channels": ["douyin"], "uses": 1,
       "portion": {"unit": "seconds", "value": 15}, "modified": False,
       "territories": ["CN"], "term_days": 365, "currency": "CNY"}


@pytest.fixture
def demo_settings(demo_db_url: str, tmp_path: Path) -> Iterator[Settings]:
    """The demo market on a fresh database, served with small limits so a burst overflows them."""
    (tmp_path / "data").mkdir()
    yield Settings(data_dir=tmp_path / "data", database_url=demo_db_url, max_active_requests=4,
                   max_queued_requests=8, queue_timeout_seconds=0.5, body_timeout_seconds=1.5)


async def _burst(base: str, songs: list[str], n: int) -> Counter[str]:
    """n clients at once, half searching and half asking for quotes; a third of them give up after
    0.2 s (so the server sees clients disconnect before their answers)."""
    seen: Counter[str] = Counter()
    pool = httpx.Limits(max_connections=n, max_keepalive_connections=0)

    async def one(c: httpx.AsyncClient, i: int) -> None:
        try:
            if i % 2:
                r = await c.get("/api/v1/works", params={"q": "夏日"})
            else:
                r = await c.post("/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": [songs[i % len(songs)]]})
        except httpx.TimeoutException:
            seen["gave up"] += 1
            return
        seen[str(r.status_code)] += 1
        if r.status_code == 503:
            assert r.json()["error"]["code"] == "overloaded"
            assert r.headers["retry-after"] == "1"

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=pool) as patient, \
            httpx.AsyncClient(base_url=base, timeout=0.2, limits=pool) as impatient:
        await asyncio.gather(*(one(impatient if i % 3 == 0 else patient, i) for i in range(n)))
    return seen


def _wait_until(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
def test_a_burst_is_shed_and_the_server_recovers_with_every_connection_back(demo_settings) -> None:
    app = create_app(demo_settings)
    with serving(app) as base:
        songs = [w["id"] for w in httpx.get(f"{base}/api/v1/works", params={"type": "sound_recording"}).json()["items"]]
        seen = asyncio.run(_burst(base, songs, 160))
        assert seen["503"] > 0, seen  # past capacity it says so instead of queueing for ever

        # /healthz answers during recovery, and soon everything else does too.
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        assert _wait_until(lambda: httpx.get(f"{base}/api/v1/works", params={"q": "夏日"}, timeout=5)
                           .status_code == 200, 20)
        quote = httpx.post(f"{base}/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": songs[:1]}, timeout=10)
        assert quote.status_code == 201, quote.text
        pools = [app.state.engine.pool, app.state.read_sessions.kw["bind"].pool]
        assert _wait_until(lambda: all(p.checkedout() == 0 for p in pools), 20), \
            [p.status() for p in pools]


def _stall(port: int) -> socket.socket:
    """Half of a quote request's body, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /api/v1/quotes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 b"Authorization: " + BRAND["Authorization"].encode() + b"\r\nContent-Length: 300\r\n\r\n{\"wo")
    return sock


def test_clients_that_stall_mid_body_hold_no_turn_and_are_timed_out(demo_settings) -> None:
    with serving(create_app(demo_settings)) as base:
        port = int(base.rsplit(":", 1)[1])
        stalled = [_stall(port) for _ in range(demo_settings.max_active_requests + 2)]
        try:
            songs = [w["id"] for w in httpx.get(f"{base}/api/v1/works",
                                                params={"type": "sound_recording"}).json()["items"]]
            quote = httpx.post(f"{base}/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": songs[:1]},
                               timeout=10)
            assert quote.status_code == 201, quote.text
            stalled[0].settimeout(10)
            answer = stalled[0].recv(4096).decode()
            assert answer.startswith("HTTP/1.1 408"), answer
            assert '"request_timeout"' in answer
        finally:
            for sock in stalled:
                sock.close()


def test_writers_of_one_process_queue_for_the_sqlite_write_lock(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, busy_timeout_ms=300)
    sessions = session_factory(engine)
    try:
        first = sessions()
        first.connection()  # BEGIN IMMEDIATE: this session now holds the write lock
        # A second writer waits, then is told the database is busy (the API answers 503).
        with pytest.raises(OperationalError, match="locked"), unit_of_work(sessions) as s:
            s.connection()
        # Once the first commits, a waiting writer gets in at once: the lock is handed over.
        got_in = threading.Event()

        def second() -> None:
            with unit_of_work(sessions) as s:
                s.connection()
                got_in.set()

        waiter = threading.Thread(target=second)
        waiter.start()
        first.commit()
        first.close()
        waiter.join(timeout=10)
        assert got_in.is_set()
        # A writer that fails half-way gives the lock back.
        with pytest.raises(RuntimeError), unit_of_work(sessions) as s:
            s.connection()
            raise RuntimeError("boom")
        with unit_of_work(sessions) as s:
            s.connection()
    finally:
        engine.dispose()


def test_a_loop_that_falls_behind_is_noticed_and_new_requests_are_shed() -> None:
    from clearinghouse.api.admission import AdmissionControl, Limits

    sent: list[dict] = []
    limits = Limits(max_active=1, max_queued=4, queue_timeout=1, max_active_uploads=1, body_timeout=1,
                    max_loop_lag=0.1)
    busy = asyncio.Event()

    async def app(scope, receive, send) -> None:  # noqa: ANN001
        if scope["path"] == "/slow":
            await busy.wait()  # holds the only turn
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    admission = AdmissionControl(app, limits, is_upload=lambda m, p: False, bypass=lambda p: p == "/healthz")

    async def call(path: str) -> int:
        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await admission({"type": "http", "path": path, "headers": []}, receive, send)
        return next(m["status"] for m in reversed(sent) if m["type"] == "http.response.start")

    async def scenario() -> list[int]:
        statuses = [await call("/api/v1/works")]  # starts the watch; the loop is on time
        await asyncio.sleep(0.12)
        time.sleep(0.4)  # a slow moment: the loop runs late...
        await asyncio.sleep(0.06)
        statuses.append(await call("/api/v1/works"))  # ...but a turn is free: served
        slow = asyncio.create_task(call("/slow"))  # every turn taken
        await asyncio.sleep(0.05)
        time.sleep(0.4)  # and the loop late: the process is out of CPU
        await asyncio.sleep(0.06)
        statuses += [await call("/api/v1/works"), await call("/healthz")]
        busy.set()
        await slow
        return statuses

    # Shed at once only when both say so; health checks always answer.
    assert asyncio.run(scenario()) == [200, 200, 503, 200]


def test_only_a_post_takes_the_upload_lane_so_listing_reports_is_served_while_uploads_are_busy() -> None:
    from clearinghouse.api.admission import AdmissionControl, Limits
    from clearinghouse.api.app import _is_upload

    limits = Limits(max_active=4, max_queued=4, queue_timeout=1, max_active_uploads=1, body_timeout=1,
                    max_loop_lag=60)
    uploading = asyncio.Event()
    finish_upload = asyncio.Event()

    async def app(scope, receive, send) -> None:  # noqa: ANN001
        if scope["method"] == "POST":
            uploading.set()
            await finish_upload.wait()  # holds the only upload turn
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    admission = AdmissionControl(app, limits, is_upload=_is_upload, bypass=lambda p: p == "/healthz")

    async def call(method: str, path: str) -> int:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await admission({"type": "http", "method": method, "path": path, "headers": []}, receive, send)
        return next(m["status"] for m in sent if m["type"] == "http.response.start")

    async def scenario() -> list[int]:
        upload = asyncio.create_task(call("POST", "/api/v1/usage/reports"))
        await uploading.wait()
        statuses = [await call("GET", "/api/v1/usage/reports"),  # a list, not an upload: served
                    await call("POST", "/api/v1/usage/reports")]  # a second upload: shed
        finish_upload.set()
        statuses.append(await upload)
        return statuses

    assert asyncio.run(scenario()) == [200, 503, 200]
