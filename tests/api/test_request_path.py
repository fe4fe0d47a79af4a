"""The cheap per-request path (docs/operations.md, "Capacity"): the search served ahead of the
routing table answers exactly as its documented FastAPI route, and the middleware's shortcuts
for requests without a body (no body read ahead, a free turn taken at once) keep every limit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearinghouse.api.admission import AdmissionControl, Limits
from clearinghouse.api.app import create_app
from clearinghouse.api.limits import BodySizeLimit
from clearinghouse.core.settings import Settings
from clearinghouse.search.endpoints import SearchRoute
from tests.conftest import fresh_sqlite_url

BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}
QUERIES = [
    "q=夏&limit=5", "q=city&offset=1&limit=3", "q=&type=", "unknown=1&q=summer",
    "channels=douyin&channels=web&purpose=commercial",
    "portion_unit=seconds&portion_value=15&purpose=advertising&channels=douyin&perpetual=yes",
    "territories=CN&territories_excluded=HK&purpose=internal&channels=web",
    # refused: each names its fields as FastAPI does (query.<name>, list items by index)
    "limit=0", "limit=abc&offset=-1", "q=" + "x" * 201, "purpose=bogus", "modified=maybe",
    "channels=" + "&channels=".join(["a"] * 21), "start=2026-13-01", "limit=5&limit=200",
    "uses=0&portion_value=100001&term_days=0", "currency=CNYX", "type=%E2%80%AE",
    "exclusive=true&purpose=commercial&channels=douyin&start=2020-01-01",
]
AUTHORIZATIONS = [BRAND, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"},
                  {"Authorization": "Bearer chk_000000000000_wrong"}]


@pytest.fixture
def served_and_documented(demo_sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """The app as it runs, and the same app without the search route: its documented route serves."""
    url = fresh_sqlite_url(demo_sqlite_template, tmp_path)
    apps = []
    for name in ("served", "documented"):
        (tmp_path / name).mkdir()
        apps.append(create_app(Settings(data_dir=tmp_path / name, database_url=url)))
    documented = apps[1]
    documented.router.routes[:] = [r for r in documented.router.routes if not isinstance(r, SearchRoute)]
    with TestClient(apps[0]) as served, TestClient(documented) as plain:
        yield served, plain


def _answer(client: TestClient, method: str, url: str, headers: dict[str, str] | None = None) -> Any:
    resp = client.request(method, url, headers=headers)
    return resp.status_code, resp.text, resp.headers.get("allow"), resp.headers.get("www-authenticate")


def test_the_search_answers_exactly_as_its_documented_route(served_and_documented) -> None:
    served, documented = served_and_documented
    assert isinstance(served.app.router.routes[0], SearchRoute)
    for query in QUERIES:
        url = f"/api/v1/works?{query}"
        assert _answer(served, "GET", url) == _answer(documented, "GET", url), query
    statuses = {_answer(served, "GET", f"/api/v1/works?{q}")[0] for q in QUERIES}
    assert statuses == {200, 422}
    for headers in AUTHORIZATIONS:
        url = "/api/v1/works?q=city"
        assert _answer(served, "GET", url, headers) == _answer(documented, "GET", url, headers), headers


def test_other_methods_on_the_search_path_reach_their_own_routes(served_and_documented) -> None:
    served, documented = served_and_documented
    for method in ("HEAD", "DELETE", "PUT", "POST"):
        assert _answer(served, method, "/api/v1/works") == _answer(documented, method, "/api/v1/works")
    assert served.head("/api/v1/works").status_code == 405
    assert served.delete("/api/v1/works").headers["allow"] == "GET"
    assert served.post("/api/v1/works", json={}).status_code == 401  # registering a work: a key first
    assert served.get("/api/v1/works/", follow_redirects=False).status_code == 307


# The middleware, driven as an ASGI server drives it.

class Held:
    """An app that reads its request, then answers once `release` is set."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.bodies: list[bytes] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": "/api/v1/works", "http_version": "1.1",
            "headers": headers or [], "query_string": b""}


async def _request(app: Any, scope: dict[str, Any], chunks: list[bytes] | None = None) -> int:
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
               for i, c in enumerate(chunks)] if chunks else [{"type": "http.request", "body": b""}]
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


def test_requests_without_a_body_still_wait_for_a_turn_and_are_shed_past_the_queue() -> None:
    async def run() -> list[int]:
        held = Held()
        admission = AdmissionControl(held, Limits(max_active=1, max_queued=1, queue_timeout=5,
                                                  max_active_uploads=1, body_timeout=1),
                                     is_upload=lambda *_: False, bypass=lambda _: False)
        first = asyncio.create_task(_request(admission, _scope()))
        await asyncio.sleep(0.05)
        queued = asyncio.create_task(_request(admission, _scope()))
        await asyncio.sleep(0.05)
        shed = await _request(admission, _scope())  # the turn taken, the queue full
        assert not queued.done() and len(held.bodies) == 1
        held.release.set()
        return [await first, await queued, shed]

    assert asyncio.run(run()) == [200, 200, 503]


def test_a_request_with_a_body_is_read_before_its_turn_and_handed_on_whole() -> None:
    async def run() -> tuple[int, list[bytes]]:
        held = Held()
        held.release.set()
        admission = AdmissionControl(held, Limits(max_active=1, max_queued=1, queue_timeout=5,
                                                  max_active_uploads=1, body_timeout=1),
                                     is_upload=lambda *_: False, bypass=lambda _: False)
        chunked = _scope("POST", [(b"transfer-encoding", b"chunked")])
        return await _request(admission, chunked, [b'{"a":', b" 1}"]), held.bodies

    assert asyncio.run(run()) == (200, [b'{"a": 1}'])


def test_a_body_over_the_limit_is_refused_with_or_without_a_declared_length() -> None:
    async def run() -> list[int]:
        held = Held()
        held.release.set()
        limited = BodySizeLimit(held, max_bytes=10, upload_max_bytes=100, is_upload=lambda *_: False)
        declared = _scope("POST", [(b"content-length", b"11")])
        chunked = _scope("POST", [(b"transfer-encoding", b"chunked")])
        http2 = {**_scope("POST"), "http_version": "2"}  # HTTP/2 frames a body without either header
        return [await _request(limited, declared, [b"x" * 11]),
                await _request(limited, chunked, [b"x" * 6, b"x" * 6]),
                await _request(limited, http2, [b"x" * 11]),
                await _request(limited, _scope("POST", [(b"content-length", b"10")]), [b"x" * 10]),
                await _request(limited, _scope())]

    assert asyncio.run(run()) == [413, 413, 413, 200, 200]
