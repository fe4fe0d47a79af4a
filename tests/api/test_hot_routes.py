"""The routes of the load mix (search, work page, quote, purchase) stay cheap: a bounded number
of statements and of trips through the thread pool per answer, on both engines, with the same
answers as before (docs/operations.md, "Capacity")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from clearinghouse.api.app import create_app
from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.core.settings import Settings
from clearinghouse.registry import views, works_service
from clearinghouse.registry.tables import Work, WorkCreator, WorkIdentifier, WorkRelation, WorkTag
from clearinghouse.search import service as search_service
from clearinghouse.search.schemas import SearchPage

BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}
USE = {"purpose": "advertising", "channels": ["douyin"], "uses": 1,
       "portion": {"unit": "seconds", "value": 15}, "modified": False,
       "territories": ["CN"], "term_days": 365, "currency": "CNY"}
# Statements per answer (SQLite's BEGIN not counted), measured with bench/statements.py; in
# brackets what the same answer took before on PostgreSQL.
WORK_PAGE = 2  # (6) the work with its type; every list of the page in one UNION ALL
SEARCH = 5  # (5) a search with matches
# (15-16, then 14) the key and its party in one; the caller's own party not read again; the
# works and what they embody in one. However many works the quote names.
QUOTE = 13
# (31, then 27) the certificate names its works, issuer and licensee in 2 statements (was 6);
# the quote is marked bought without reloading it and the answer re-reads nothing it wrote; on
# SQLite, whose writer holds the lock from BEGIN, the key and the quote are read once, not twice.
# (then 18 / 22) the certificate is signed before the licence is inserted: written once, not
# inserted and then updated.
PURCHASE = {"sqlite": 17, "postgresql": 21}


@pytest.fixture
def client(demo_db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", database_url=demo_db_url)
    settings.data_dir.mkdir(parents=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@contextmanager
def statements() -> Iterator[list[str]]:
    """The statements sent while inside (not SQLite's BEGIN, which is no work for the server)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


@contextmanager
def thread_pool_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every hand-off to the worker threads (sync dependencies, sync endpoints, run_in_threadpool)."""
    trips: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(anyio.to_thread, "run_sync", counted)
        yield trips


def _songs(client: TestClient) -> list[str]:
    page = client.get("/api/v1/works", params={"type": "sound_recording", "limit": 100})
    return [w["id"] for w in page.json()["items"]]


def _richest_works(url: str) -> list[str]:
    """Works with creators, identifiers, tags and relations: the page's lists all filled."""
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as s:
            related = select(WorkRelation.from_work_id).union(select(WorkRelation.to_work_id))
            return list(s.scalars(
                select(Work.id).where(Work.id.in_(related),
                                      Work.id.in_(select(WorkCreator.work_id)),
                                      Work.id.in_(select(WorkIdentifier.work_id)),
                                      Work.id.in_(select(WorkTag.work_id)))
                .order_by(Work.id).limit(5)))
    finally:
        engine.dispose()


def test_a_work_page_says_what_the_record_says_in_two_statements(client, demo_db_url) -> None:
    work_ids = _richest_works(demo_db_url)
    assert work_ids, "the demo has works with every list filled"
    engine = make_engine(demo_db_url)
    try:
        for work_id in work_ids:
            with statements() as seen:
                page = client.get(f"/api/v1/works/{work_id}")
            assert page.status_code == 200, page.text
            assert len(seen) <= WORK_PAGE, seen
            with unit_of_work(session_factory(engine)) as s:
                record = views.work_out(s, works_service.get_work(s, work_id))
            assert page.json() == record.model_dump(mode="json")
            assert page.headers["ETag"] == f'"{record.version}"'
            assert page.json()["relations"] and page.json()["creators"] and page.json()["tags"]
    finally:
        engine.dispose()
    missing = client.get("/api/v1/works/wrk_nothere")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_anonymous_reads_take_one_trip_through_the_thread_pool(client, monkeypatch) -> None:
    work_id = _songs(client)[0]
    with thread_pool_trips(monkeypatch) as trips:
        assert client.get("/api/v1/works", params={"q": "summer"}).status_code == 200
        assert client.get(f"/api/v1/works/{work_id}").status_code == 200
    assert len(trips) == 2, trips


def test_a_bad_key_is_still_refused_on_a_public_route(client) -> None:
    refused = client.get("/api/v1/works", headers={"Authorization": "Bearer chk_nope"})
    assert refused.status_code == 401
    assert client.get("/api/v1/works", headers=BRAND).status_code == 200


def _engine(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def test_a_search_answers_exactly_its_documented_model(client, demo_db_url) -> None:
    """The search answer is built as plain data and serialised once: it must still be exactly a
    `SearchPage` (nothing missing, nothing extra, the right types), with recordings,
    compositions and prices filled where they apply, and the same as the web pages and the CLI
    get from the service."""
    asked = [{"limit": 100}, {"q": "summer", "limit": 20}, {"q": "夏", "limit": 20},
             {"purpose": "commercial", "channels": "douyin", "portion_unit": "seconds",
              "portion_value": 15, "limit": 100}]
    pages = []
    for params in asked:
        answer = client.get("/api/v1/works", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        body = answer.json()
        assert body == SearchPage.model_validate(body).model_dump(mode="json"), params
        pages.append(body)
    listed, priced = pages[0]["items"], pages[-1]["items"]
    assert any(i["recordings"] for i in listed) and any(i["compositions"] for i in listed)
    assert priced and all(i["from_price"]["minor"] > 0 for i in priced)
    assert all(i["from_price"] is None for page in pages[:-1] for i in page["items"])
    engine = make_engine(demo_db_url)
    try:
        with unit_of_work(session_factory(engine)) as s:
            for params, body in zip(asked[:3], pages[:3], strict=True):
                served = search_service.search(s, search_service.SearchParams(
                    q=params.get("q"), limit=params["limit"]))
                assert served.model_dump(mode="json") == body
    finally:
        engine.dispose()


def test_a_quote_of_many_works_takes_no_more_statements_than_one(client, demo_db_url) -> None:
    """The facts a quote is priced from are read set-wise, and a purchase's work is per
    licence, not per line: six works cost what one costs."""
    songs = _songs(client)[:6]
    assert len(songs) == 6
    with statements() as seen:
        quote = client.post("/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": songs})
    assert quote.status_code == 201, quote.text
    assert len(quote.json()["lines"]) >= 6
    assert len(seen) <= QUOTE, seen
    body = {"accept_partial": True, "expected_total_minor": quote.json()["total"]["minor"]}
    with statements() as seen:
        bought = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                             headers={**BRAND, "Idempotency-Key": "hot-six"}, json=body)
    assert bought.status_code == 201, bought.text
    assert len(seen) <= PURCHASE[_engine(demo_db_url)], seen
    assert sorted(bought.json()["work_ids"]) == sorted({ln["work_id"] for ln in quote.json()["lines"]})
    # Marked bought, at its next version: a second purchase with another key is refused.
    again = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                        headers={**BRAND, "Idempotency-Key": "hot-six-again"}, json=body)
    assert again.status_code in (409, 410), again.text
    stored = client.get(f"/api/v1/quotes/{quote.json()['id']}", headers=BRAND).json()
    assert stored["status"] == "purchased" and stored["version"] == quote.json()["version"] + 1


def test_search_quote_and_purchase_stay_within_their_statements(client, monkeypatch,
                                                                demo_db_url) -> None:
    songs = _songs(client)
    with statements() as seen:
        found = client.get("/api/v1/works", params={"q": "summer", "limit": 20})
    assert found.status_code == 200 and found.json()["items"]
    assert len(seen) <= SEARCH, seen

    bought = 0
    for song in songs:
        with statements() as seen, thread_pool_trips(monkeypatch) as trips:
            quote = client.post("/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": [song]})
        assert quote.status_code == 201, quote.text
        assert len(seen) <= QUOTE, seen
        assert len(trips) == 2, trips  # the key, then the whole quote
        if quote.json()["unclearable"]:
            continue
        body = {"expected_total_minor": quote.json()["total"]["minor"]}
        headers = {**BRAND, "Idempotency-Key": f"hot-{song}"}
        with statements() as seen:
            first = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase", headers=headers, json=body)
        assert first.status_code == 201, first.text
        assert len(seen) <= PURCHASE[_engine(demo_db_url)], seen
        # Its answer, made without reading back: the payment it started (none when free), no downloads.
        assert (first.json()["payment"] is None) == (quote.json()["total"]["minor"] == 0)
        assert first.json()["downloads"] == 0
        signed = client.get(f"/api/v1/licenses/{first.json()['id']}/certificate", headers=BRAND).json()
        work = client.get(f"/api/v1/works/{song}").json()
        named = {w["id"]: w for w in signed["certificate"]["works"]}
        assert named[song] == {"id": song, "title": work["title"], "type": work["type"],
                               "identifiers": {i["scheme"]: i["value"] for i in work["identifiers"]}}
        assert signed["certificate"]["issuer"]["name"] == "Clearinghouse operator" or \
            signed["certificate"]["issuer"]["name"]
        again = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase", headers=headers, json=body)
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        bought += 1
        if bought == 2:
            break
    assert bought == 2


def test_a_purchase_writes_its_licence_once_and_its_quote_reads_back_bought(client, demo_db_url) -> None:
    """The licence row goes out in one INSERT with its signed certificate (no UPDATE after), the
    quote is marked bought in one UPDATE, and grants are written in one statement for every line;
    what the buyer reads back afterwards is the whole licence."""
    songs = _songs(client)[:3]
    quote = client.post("/api/v1/quotes", headers=BRAND, json={**USE, "work_ids": songs})
    assert quote.status_code == 201, quote.text
    body = {"accept_partial": True, "expected_total_minor": quote.json()["total"]["minor"]}
    with statements() as seen:
        bought = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                             headers={**BRAND, "Idempotency-Key": "hot-once"}, json=body)
    assert bought.status_code == 201, bought.text
    flat = [" ".join(s.split()) for s in seen]
    assert sum(s.startswith("INSERT INTO licenses ") for s in flat) == 1, flat
    assert not [s for s in flat if s.startswith("UPDATE licenses")], flat
    assert sum(s.startswith("UPDATE quotes") for s in flat) == 1, flat
    assert sum(s.startswith("INSERT INTO license_grants ") for s in flat) == 1, flat
    licence = bought.json()
    signed = client.get(f"/api/v1/licenses/{licence['id']}/certificate", headers=BRAND).json()
    assert signed["certificate"]["license_id"] == licence["id"]
    assert signed["certificate"]["price"]["total_minor"] == quote.json()["total"]["minor"]
    assert {r["work_id"] for r in signed["certificate"]["rights"]} == \
        {ln["work_id"] for ln in quote.json()["lines"]}
    checked = client.post("/api/v1/certificates/verify", json=signed)
    assert checked.status_code == 200, checked.text
    assert checked.json()["result"] not in ("tampered", "malformed", "unknown_key"), checked.json()
    stored = client.get(f"/api/v1/quotes/{quote.json()['id']}", headers=BRAND).json()
    assert stored["status"] == "purchased"
    again = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                        headers={**BRAND, "Idempotency-Key": "hot-once"}, json=body)
    assert again.status_code == 200 and again.json()["id"] == licence["id"]
