"""Licensing input keeps to documented bounds: dates, numbers and text out of range are a 422
naming the field, never a 500 (a quote starting 9999-12-31 once overflowed the calendar)."""

from __future__ import annotations

import pytest

from tests.licensing.catalogue_world import World, ad_use, build_world, price_everything


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


def refused(resp, field: str) -> str:  # noqa: ANN001
    assert resp.status_code == 422, resp.text
    messages = {d["field"]: d["message"] for d in resp.json()["error"]["details"]}
    assert field in messages, messages
    return messages[field]


def test_a_quote_starting_9999_12_31_is_a_422_naming_start(client, world):  # noqa: ANN001
    price_everything(client, world)
    for start in ("9999-12-31", "2201-01-01", "0001-01-01"):
        resp = client.post("/api/v1/quotes", headers=world.brand.headers,
                           json=ad_use([world.master], start=start))
        assert "2200-12-31" in refused(resp, "start") or "1900-01-01" in refused(resp, "start")
    # The latest start with the longest term is still a date: quoted, not a 500.
    last = client.post("/api/v1/quotes", headers=world.brand.headers,
                       json=ad_use([world.master], start="2200-12-31", term_days=36_600))
    assert last.status_code == 201, last.text
    assert last.json()["use"]["start"] == "2200-12-31"


def test_rates_fees_and_versions_are_bounded(client, world):  # noqa: ANN001
    rate = {"base": "USD", "quote": "CNY", "rate": "7.1", "effective": "9999-12-31"}
    refused(client.post("/api/v1/exchange-rates", headers=world.operator.headers, json=rate), "effective")
    fee = {"licensee_pct": "3", "owner_pct": "2", "effective": "1066-10-14"}
    refused(client.post("/api/v1/fee-schedules", headers=world.operator.headers, json=fee), "effective")
    refused(client.post("/api/v1/quotes", headers=world.brand.headers,
                        json=ad_use([world.master], uses=10**19)), "uses")


def test_text_in_licensing_is_refused_like_in_the_registry(client, world):  # noqa: ANN001
    template = {"code": "bidi-test", "name_en": "Ad\u202e", "name_zh": "广告", "purpose": "advertising",
                "channels": ["douyin"], "max_uses": 1, "portion_unit": "whole",
                "modification": "original_only", "territories": ["CN"], "term_days": 365}
    assert "U+202E" in refused(client.post("/api/v1/templates", headers=world.operator.headers,
                                           json=template), "name_en")
    referral = ad_use([world.master]) | {"work_id": world.master, "right": "master_use",
                                         "holder_id": world.label.party_id, "message": "hi\x00"}
    del referral["work_ids"]
    assert "U+0000" in refused(client.post("/api/v1/referrals", headers=world.brand.headers,
                                           json=referral), "message")
    # Messages are multi-line: line breaks are kept.
    referral["message"] = "Hello,\nplease quote.\n"
    created = client.post("/api/v1/referrals", headers=world.brand.headers, json=referral)
    assert created.status_code == 201, created.text
    assert created.json()["messages"][0]["body"] == "Hello,\nplease quote."
