"""The catalogue over HTTP on SQLite and PostgreSQL: templates, rate cards, rates, fees, quotes,
and every caller refused where it should be."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.tables import Offer, Quote
from tests.licensing.catalogue_world import World, ad_use, build_world, offer_body, price_everything


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


def count(sessions, table) -> int:  # noqa: ANN001
    with unit_of_work(sessions) as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def fields(response) -> list[str]:  # noqa: ANN001
    body = response.json()["error"]
    return [d["field"] for d in body.get("details") or []]


# -- templates ------------------------------------------------------------------------------------


def test_default_templates_are_public_and_only_the_operator_defines_more(client, world):
    r = client.get("/api/v1/templates")
    assert r.status_code == 200
    codes = {t["code"] for t in r.json()["items"]}
    assert {
        "creator-short-video-30s",
        "branded-short-video-ad",
        "film-promo-clip",
        "internal-presentation",
        "photo-in-video",
        "exclusive-brand-campaign",
    } <= codes
    assert client.get("/api/v1/templates/exclusive-brand-campaign").json()["exclusive"] is True

    body = {
        "code": "gif-sticker",
        "name_en": "GIF sticker",
        "name_zh": "表情包",
        "purpose": "commercial",
        "channels": ["weibo"],
        "max_uses": 1,
        "portion_unit": "seconds",
        "portion_value": 3,
        "modification": "edits_allowed",
        "territories": ["CN"],
        "term_days": 90,
    }
    for actor in (world.brand, world.pub_a, world.agent):
        assert client.post("/api/v1/templates", headers=actor.headers, json=body).status_code == 403
    r = client.post("/api/v1/templates", headers=world.operator.headers, json=body)
    assert r.status_code == 201, r.text
    assert (
        client.post("/api/v1/templates", headers=world.operator.headers, json=body).status_code
        == 409
    )
    bad = client.post(
        "/api/v1/templates",
        headers=world.operator.headers,
        json=body | {"code": "x-atlantis", "territories": ["ATLANTIS"]},
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "territories"


def test_template_terms_freeze_once_priced(client, world):
    h = world.operator.headers
    tpl = client.get("/api/v1/templates/branded-short-video-ad").json()
    stale = client.patch(
        f"/api/v1/templates/{tpl['id']}", headers=h | {"If-Match": '"99"'}, json={"name_en": "Ad"}
    )
    assert stale.status_code == 412
    r = client.patch(
        f"/api/v1/templates/{tpl['id']}", headers=h | {"If-Match": '"1"'}, json={"max_uses": 2}
    )
    assert r.status_code == 200 and r.json()["max_uses"] == 2 and r.json()["version"] == 2
    price_everything(client, world)
    r = client.patch(
        f"/api/v1/templates/{tpl['id']}", headers=h | {"If-Match": '"2"'}, json={"max_uses": 3}
    )
    assert r.status_code == 409 and fields(r) == ["max_uses"]
    assert (
        client.patch(
            f"/api/v1/templates/{tpl['id']}",
            headers=h | {"If-Match": '"2"'},
            json={"name_zh": "品牌广告"},
        ).status_code
        == 200
    )


# -- offers ---------------------------------------------------------------------------------------


def test_owners_and_agents_price_only_what_they_hold_and_may(client, world, sessions):
    url = "/api/v1/offers"
    sync = offer_body([world.song], ["synchronisation"], fixed_fee_minor=100_000)
    assert client.post(url, headers=world.brand.headers, json=sync).status_code == 403
    # The label holds nothing in the song: it cannot price it.
    r = client.post(url, headers=world.label.headers, json=sync)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "rights"
    # Nor can it price on another owner's behalf.
    r = client.post(
        url, headers=world.label.headers, json=sync | {"holder_id": world.pub_a.party_id}
    )
    assert r.status_code == 403 and fields(r) == ["holder_id"]
    # The agent's mandate from the label covers master use, not synchronisation.
    master = offer_body([world.master], ["master_use"], fixed_fee_minor=500_000)
    ok = client.post(
        url, headers=world.agent.headers, json=master | {"holder_id": world.label.party_id}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["holder_id"] == world.label.party_id
    r = client.post(
        url,
        headers=world.agent.headers,
        json=master | {"holder_id": world.label.party_id, "rights": ["reproduce"]},
    )
    assert r.status_code == 403 and fields(r) == ["rights"]
    r = client.post(
        url, headers=world.agent.headers, json=sync | {"holder_id": world.pub_a.party_id}
    )
    assert r.status_code == 403 and fields(r) == ["holder_id"]
    assert count(sessions, Offer) == 1  # nothing half-written


@pytest.mark.parametrize(
    "change,field",
    [
        ({"fixed_fee_minor": -1}, "fixed_fee_minor"),
        ({"fixed_fee_minor": 12.5}, "fixed_fee_minor"),
        ({"fixed_fee_minor": "1250"}, "fixed_fee_minor"),
        ({"currency": "XYZ"}, "currency"),
        ({"revenue_share_pct": 5.5}, "revenue_share_pct"),
        ({"revenue_share_pct": "0"}, "revenue_share_pct"),
        ({"fixed_fee_minor": None}, "fixed_fee_minor"),
        ({"declined": True}, "fixed_fee_minor"),
        ({"template_id": "no-such-template"}, "template_id"),
        ({"work_ids": []}, "body"),
    ],
)
def test_bad_prices_are_refused_naming_the_field(client, world, change, field):
    body = offer_body([world.song], ["synchronisation"], fixed_fee_minor=100_000) | change
    r = client.post("/api/v1/offers", headers=world.pub_a.headers, json=body)
    assert r.status_code in (404, 422), r.text
    err = r.json()["error"]
    assert field in err["message"] or field in fields(r), err


def test_offers_update_withdraw_and_list_publicly(client, world):
    r = client.post(
        "/api/v1/offers",
        headers=world.pub_a.headers,
        json=offer_body(
            [world.song],
            ["synchronisation"],
            fixed_fee_minor=100_000,
            per_1000_plays_minor=20,
            revenue_share_pct="5.5",
        ),
    )
    offer = r.json()
    assert offer["fixed_fee"]["display"] == "CN¥1,000.00"
    url = f"/api/v1/offers/{offer['id']}"
    assert (
        client.patch(
            url, headers=world.pub_b.headers | {"If-Match": '"1"'}, json={"fixed_fee_minor": 1}
        ).status_code
        == 403
    )
    assert (
        client.patch(url, headers=world.pub_a.headers, json={"fixed_fee_minor": 1}).status_code
        == 428
    )
    r = client.patch(
        url, headers=world.pub_a.headers | {"If-Match": '"1"'}, json={"fixed_fee_minor": 120_000}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    public = client.get(f"/api/v1/works/{world.song}/offers")
    assert [o["fixed_fee_minor"] for o in public.json()["items"]] == [120_000]
    assert (
        client.post(f"{url}/withdraw", headers=world.pub_a.headers | {"If-Match": '"2"'}).json()[
            "status"
        ]
        == "withdrawn"
    )
    assert client.get(f"/api/v1/works/{world.song}/offers").json()["total"] == 0
    mine = client.get("/api/v1/offers", headers=world.pub_a.headers).json()
    assert [o["status"] for o in mine["items"]] == ["withdrawn"]
    assert client.get("/api/v1/offers", headers=world.pub_b.headers).json()["total"] == 0


@pytest.mark.parametrize("code", ["XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XDR", "USN", "DEM"])
def test_only_circulating_currencies_price_quote_or_convert(client, world, sessions, code):
    """Regression: gold, the test code and "no currency" were accepted as prices and quotes."""
    offer = offer_body([world.song], ["synchronisation"], fixed_fee_minor=100_000, currency=code)
    rate = {"base": code, "quote": "CNY", "rate": "7.8", "effective": "2025-01-01"}
    refused = [
        client.post("/api/v1/offers", headers=world.pub_a.headers, json=offer),
        client.post("/api/v1/quotes", headers=world.brand.headers,
                    json=ad_use([world.master], currency=code.lower())),
        client.post("/api/v1/exchange-rates", headers=world.operator.headers, json=rate),
        client.post("/api/v1/exchange-rates", headers=world.operator.headers,
                    json=rate | {"base": "CNY", "quote": code}),
    ]
    for r in refused:
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "validation_failed"
        assert f"{code} is not a circulating currency" in r.text
    assert fields(refused[0]) == ["currency"] and fields(refused[2]) == ["base"]
    assert count(sessions, Offer) == 0 and count(sessions, Quote) == 0
    rates = {(r["base"], r["quote"]) for r in client.get("/api/v1/exchange-rates").json()["items"]}
    assert (code, "CNY") not in rates and ("CNY", code) not in rates


# -- exchange rates and fees ----------------------------------------------------------------------


def test_rates_and_fees_are_operator_data(client, world):
    rate = {"base": "EUR", "quote": "CNY", "rate": "7.8", "effective": "2025-01-01"}
    assert (
        client.post("/api/v1/exchange-rates", headers=world.pub_a.headers, json=rate).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/exchange-rates", headers=world.operator.headers, json=rate | {"rate": 7.8}
        ).status_code
        == 422
    )
    assert (
        client.post("/api/v1/exchange-rates", headers=world.operator.headers, json=rate).status_code
        == 201
    )
    assert (
        client.post("/api/v1/exchange-rates", headers=world.operator.headers, json=rate).status_code
        == 409
    )
    pairs = {
        (r["base"], r["quote"], r["rate"])
        for r in client.get("/api/v1/exchange-rates").json()["items"]
    }
    assert {("USD", "CNY", "6.6"), ("EUR", "CNY", "7.8")} <= pairs
    fees = {"licensee_pct": "4", "owner_pct": "12.5", "effective": "2026-01-01"}
    assert (
        client.post("/api/v1/fee-schedules", headers=world.brand.headers, json=fees).status_code
        == 403
    )
    assert (
        client.post("/api/v1/fee-schedules", headers=world.operator.headers, json=fees).status_code
        == 201
    )
    assert client.get("/api/v1/fee-schedules/current").json()["owner_pct"] == "12.5"


# -- quotes ---------------------------------------------------------------------------------------


def test_the_worked_example_over_http(client, world):
    price_everything(client, world)
    r = client.post("/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master]))
    assert r.status_code == 201, r.text
    q = r.json()
    assert [
        (ln["work_id"], ln["right"], ln["holder_id"], ln["share"]) for ln in q["lines"]
    ] == sorted(
        [
            (world.song, "synchronisation", world.pub_a.party_id, "60"),
            (world.song, "synchronisation", world.pub_b.party_id, "40"),
            (world.master, "master_use", world.label.party_id, "100"),
        ]
    )
    # 3,000.00 + 299.99 USD x 6.6 (1,979.934 -> 1,979.93) + 5,000.00 = 9,979.93 CNY.
    # Licensee fee 5%: 997,993 fen x 0.05 = 49,899.65 -> 49,900 fen. Total 1,047,893 fen.
    assert q["totals"]["subtotal_minor"] == 997_993
    assert q["totals"]["total_minor"] == 1_047_893
    assert q["total"] == {"currency": "CNY", "minor": 1_047_893, "display": "CN¥10,478.93"}
    assert q["status"] == "open" and q["unclearable"] == []
    # The licensee and the operator read it; nobody else does.
    url = f"/api/v1/quotes/{q['id']}"
    assert client.get(url, headers=world.brand.headers).json()["id"] == q["id"]
    assert client.get(url, headers=world.operator.headers).status_code == 200
    assert client.get(url, headers=world.bystander.headers).status_code == 403
    assert client.get(url, headers=world.pub_a.headers).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/quotes", headers=world.bystander.headers).json()["total"] == 0


def test_a_quote_keeps_its_prices_when_the_offer_changes(client, world):
    price_everything(client, world)
    q = client.post(
        "/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master])
    ).json()
    offer_id = next(ln["offer_id"] for ln in q["lines"] if ln["right"] == "master_use")
    r = client.patch(
        f"/api/v1/offers/{offer_id}",
        headers=world.label.headers | {"If-Match": '"1"'},
        json={"fixed_fee_minor": 900_000},
    )
    assert r.status_code == 200
    again = client.get(f"/api/v1/quotes/{q['id']}", headers=world.brand.headers).json()
    assert again["lines"] == q["lines"] and again["totals"] == q["totals"]
    fresh = client.post(
        "/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master])
    ).json()
    assert fresh["totals"]["subtotal_minor"] == q["totals"]["subtotal_minor"] + 400_000


def test_only_licensees_quote_and_only_for_themselves(client, world, sessions):
    body = ad_use([world.master])
    assert client.post("/api/v1/quotes", headers=world.pub_a.headers, json=body).status_code == 403
    r = client.post(
        "/api/v1/quotes",
        headers=world.brand.headers,
        json=body | {"licensee_id": world.bystander.party_id},
    )
    assert r.status_code == 403 and fields(r) == ["licensee_id"]
    assert client.post("/api/v1/quotes", json=body).status_code == 401
    assert count(sessions, Quote) == 0


@pytest.mark.parametrize(
    "change,field",
    [
        ({"territories": ["CN", "ATLANTIS"]}, "territories"),
        ({"territories_excluded": ["NARNIA"]}, "territories_excluded"),
        ({"channels": ["myspace"]}, "channels[0]"),
        ({"portion": {"unit": "seconds", "value": 300}}, "portion"),
        ({"portion": {"unit": "seconds", "value": 15.0}}, "portion.value"),
        ({"uses": 0}, "uses"),
        ({"currency": "ABC"}, "currency"),
        ({"work_ids": ["wrk_missing"]}, "work_ids[0]"),
    ],
)
def test_a_use_that_does_not_fit_is_refused_naming_the_field(
    client, world, sessions, change, field
):
    r = client.post(
        "/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master]) | change
    )
    assert r.status_code == 422, r.text
    assert field in fields(r), r.json()
    assert count(sessions, Quote) == 0


def test_a_quote_or_referral_may_not_start_in_the_past(client, world, sessions):
    """Regression: a quote could start in the past, so a license could cover past use."""
    today = utcnow().date()
    yesterday = (today - timedelta(days=1)).isoformat()
    price_everything(client, world)
    past = client.post("/api/v1/quotes", headers=world.brand.headers,
                       json=ad_use([world.master], start=yesterday))
    assert past.status_code == 422, past.text
    assert fields(past) == ["start"] and "back-dated licenses are not issued" in past.text
    assert count(sessions, Quote) == 0
    referral = {k: v for k, v in ad_use([]).items() if k != "work_ids"} | {
        "work_id": world.song, "right": "synchronisation", "holder_id": world.pub_a.party_id,
        "start": yesterday}
    r = client.post("/api/v1/referrals", headers=world.brand.headers, json=referral)
    assert r.status_code == 422 and fields(r) == ["start"], r.text
    now = client.post("/api/v1/quotes", headers=world.brand.headers,
                      json=ad_use([world.master], start=today.isoformat()))
    assert now.status_code == 201, now.text
    assert now.json()["use"]["start"] == today.isoformat()


def test_what_cannot_be_cleared_is_listed_with_a_reason(client, world):
    # Only publisher A priced anything.
    client.post(
        "/api/v1/offers",
        headers=world.pub_a.headers,
        json=offer_body([world.song], ["synchronisation"], fixed_fee_minor=300_000),
    )
    q = client.post(
        "/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master])
    ).json()
    assert [ln["holder_id"] for ln in q["lines"]] == [world.pub_a.party_id]
    assert sorted((u["right"], u["holder_id"], u["reason"]) for u in q["unclearable"]) == sorted(
        [
            ("synchronisation", world.pub_b.party_id, "no_offer"),
            ("master_use", world.label.party_id, "no_offer"),
        ]
    )
    part = next(u for u in q["unclearable"] if u["holder_id"] == world.label.party_id)
    assert part["contact"]["party_id"] == world.label.party_id and part["share"] == "100"


def test_an_expired_quote_reads_as_expired_and_cannot_be_referred(client, world, settings):
    settings.quote_valid_seconds = 0
    q = client.post(
        "/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master])
    ).json()
    assert q["status"] == "expired"
    r = client.post(f"/api/v1/quotes/{q['id']}/referrals", headers=world.brand.headers, json={})
    assert r.status_code == 410
    assert (
        client.get("/api/v1/quotes?status=expired", headers=world.brand.headers).json()["total"]
        == 1
    )
