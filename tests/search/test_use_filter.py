"""Search by intended use (`GET /api/v1/works?purpose=…&channels=…`) on SQLite and PostgreSQL:
only works routine offers clear for the use, each with what a quote for it costs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clearinghouse.core.clock import utcnow
from clearinghouse.registry.domain import Role
from tests.licensing.catalogue_world import World, ad_use, build_world, offer_body, price_everything
from tests.support.factories import make_actor, make_holding, make_work

TOMORROW = (utcnow().date() + timedelta(days=1)).isoformat()
# The worked example's use: a 15-second branded video on 抖音 in mainland China for a year.
AD = {"purpose": "advertising", "channels": "douyin", "portion_unit": "seconds",
      "portion_value": 15, "territories": "CN", "start": TOMORROW, "term_days": 365}


@pytest.fixture
def world(sessions, client) -> World:  # noqa: ANN001
    w = build_world(sessions)
    price_everything(client, w)
    return w


def search(client, **params):  # noqa: ANN001, ANN003, ANN201
    resp = client.get("/api/v1/works", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def priced(page) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    return {i["id"]: (i["from_price"]["amount"], i["from_price"]["currency"]) for i in page["items"]}


def quote_total(client, w: World, work_id: str, **changes) -> tuple[int, list]:  # noqa: ANN001, ANN003
    r = client.post("/api/v1/quotes", headers=w.brand.headers, json=ad_use([work_id], **changes))
    assert r.status_code == 201, r.text
    return r.json()["totals"]["total_minor"], r.json()["unclearable"]


def test_covered_works_appear_with_the_price_a_quote_gives(client, world):
    page = search(client, **AD)
    # The song: A 3,000.00 + B 299.99 USD x 6.6 = 1,979.93; + 5 % = 5,228.93. The recording
    # adds the label's 5,000.00: the worked example's 10,478.93 (docs/licensing.md).
    assert priced(page) == {world.song: ("5228.93", "CNY"), world.master: ("10478.93", "CNY")}
    assert page["total"] == 2 and page["total_capped"] is False
    for item in page["items"]:
        total, unclearable = quote_total(client, world, item["id"])
        assert unclearable == [] and total == item["from_price"]["minor"]
