"""A page of licences costs the same number of queries whatever its length (issue 11).

The list used to read each licence's payments and download count one licence at a time: two
more queries per licence on the page. Real quotes from the engine, bought over HTTP, on SQLite and
PostgreSQL; statements are counted as the database driver receives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.licensing.catalogue_world import World, ad_use, build_world, price_everything

RECORDING = b"recording" + bytes(range(256)) * 8


@pytest.fixture
def world(client, sessions) -> World:  # noqa: ANN001
    w = build_world(sessions)
    price_everything(client, w)
    return w


def _buy(client, w: World) -> dict[str, Any]:  # noqa: ANN001
    quote = client.post("/api/v1/quotes", headers=w.brand.headers, json=ad_use([w.master]))
    assert quote.status_code == 201, quote.text
    lic = client.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                      headers=w.brand.headers | {"Idempotency-Key": quote.json()["id"]})
    assert lic.status_code == 201, lic.text
    return lic.json()


def _download_twice(client, w: World, license_id: str) -> None:  # noqa: ANN001
    upload = client.put(f"/api/v1/works/{w.master}/file", content=RECORDING,
                        headers=w.label.headers | {"Content-Type": "application/octet-stream"})
    assert upload.status_code == 200, upload.text
    link = client.post(f"/api/v1/licenses/{license_id}/download-link", headers=w.brand.headers)
    assert link.status_code == 200, link.text
    for _ in range(2):
        got = client.get(f"/api/v1/downloads/{link.json()['links'][0]['token']}")
        assert got.status_code == 200, got.text


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every statement any engine sends while inside, except the authentication bookkeeping
    (key lookups, and last-use tallies a background thread writes whenever it likes)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "api_keys" not in statement and "audit_events" not in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _list(client, w: World) -> tuple[dict[str, Any], int]:  # noqa: ANN001
    with _statements() as seen:
        page = client.get("/api/v1/licenses", headers=w.brand.headers, params={"limit": 50})
    assert page.status_code == 200, page.text
    return page.json(), len(seen)


def test_a_page_of_twenty_licences_takes_as_many_queries_as_a_page_of_one(client, world):
    first = _buy(client, world)
    paid = client.post(f"/api/v1/payments/{first['payment']['id']}/mark-paid",
                       json={"reference": "BANK-1"}, headers=world.operator.headers)
    assert paid.status_code == 200, paid.text
    _download_twice(client, world, first["id"])

    one, queries_for_one = _list(client, world)
    assert one["total"] == 1
    assert one["items"][0]["payment"]["status"] == "paid"
    assert one["items"][0]["downloads"] == 2

    bought = [first["id"]] + [_buy(client, world)["id"] for _ in range(19)]
    twenty, queries_for_twenty = _list(client, world)

    assert queries_for_twenty == queries_for_one, (queries_for_one, queries_for_twenty)
    # Still each licence's own payment, not its neighbour's.
    items = {lic["id"]: lic for lic in twenty["items"]}
    assert sorted(items) == sorted(bought)
    for license_id, lic in items.items():
        assert lic["payment"]["license_id"] == license_id
        assert lic["payment"]["status"] == ("paid" if license_id == first["id"] else "pending")
        assert lic["downloads"] == (2 if license_id == first["id"] else 0)
