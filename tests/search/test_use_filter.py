"""Search by intended use (`GET /api/v1/works?purpose=…&channels=…`) on SQLite and PostgreSQL:
only works routine offers clear for the use, each with what a quote for it costs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
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


def test_without_use_parameters_nothing_changes(client, world):
    page = search(client)
    assert {i["id"] for i in page["items"]} == {world.song, world.master}
    assert all(i["from_price"] is None for i in page["items"])


@pytest.mark.parametrize("changes", [
    {"territories": "US"},  # the offers' template clears mainland China only
    {"channels": "broadcast"},  # … short-video platforms and the web, not broadcast
    {"portion_value": 90},  # … at most 60 seconds
    {"portion_value": 250},  # longer than the works themselves (200 s)
    {"term_days": 730},  # … for at most a year
    {"exclusive": True},  # no exclusive template is priced
    {"purpose": "advertising", "uses": 3},  # … one placement
])
def test_a_use_the_offers_do_not_cover_lists_nothing(client, world, changes):
    page = search(client, **(AD | changes))
    assert page["items"] == [] and page["total"] == 0


def test_a_withdrawn_offer_drops_its_work_and_the_recording_that_needs_it(client, world):
    offers = client.get("/api/v1/offers", headers=world.label.headers).json()["items"]
    (label_offer,) = offers
    r = client.post(f"/api/v1/offers/{label_offer['id']}/withdraw",
                    headers=world.label.headers | {"If-Match": f'"{label_offer["version"]}"'})
    assert r.status_code == 200, r.text
    assert set(priced(search(client, **AD))) == {world.song}
    # Publisher B's share has no offer once B withdraws: neither the song nor its recording.
    (b_offer,) = client.get("/api/v1/offers", headers=world.pub_b.headers).json()["items"]
    client.post(f"/api/v1/offers/{b_offer['id']}/withdraw",
                headers=world.pub_b.headers | {"If-Match": f'"{b_offer["version"]}"'})
    assert search(client, **AD)["total"] == 0


def test_a_holding_that_ends_before_the_use_does_not_clear_it(client, sessions, world):
    ends = (utcnow().date() + timedelta(days=100)).isoformat()
    short = make_work(sessions, world.pub_a, title="短期作品", length=120)
    make_holding(sessions, world.pub_a, short, valid_to=ends)
    r = client.post("/api/v1/offers", headers=world.pub_a.headers,
                    json=offer_body([short], ["synchronisation"], fixed_fee_minor=100_000))
    assert r.status_code == 201, r.text
    assert short not in priced(search(client, **AD))  # a year: past the holding's end
    month = priced(search(client, **(AD | {"term_days": 30})))
    assert month[short] == ("1050.00", "CNY")  # 1,000.00 + the licensee's 5 %
    assert quote_total(client, world, short, term_days=30) == (105_000, [])


def test_a_right_nobody_offers_routinely_excludes_the_work(client, sessions, world):
    # A modified use also needs the modify right, which no holder prices.
    assert search(client, **(AD | {"modified": True}))["total"] == 0
    total, unclearable = quote_total(client, world, world.song, modified=True)
    assert {u["right"] for u in unclearable} == {"modify"}
    # A co-holder without an offer: the other holder's offer alone does not clear the work.
    shared = make_work(sessions, world.pub_a, title="合写的歌", length=180)
    make_holding(sessions, world.pub_a, shared, share="50")
    make_holding(sessions, world.pub_b, shared, share="50")
    client.post("/api/v1/offers", headers=world.pub_a.headers,
                json=offer_body([shared], ["synchronisation"], fixed_fee_minor=100_000))
    assert shared not in priced(search(client, **AD))
    assert quote_total(client, world, shared)[1][0]["reason"] == "no_offer"


@pytest.fixture
def catalogue_offer(sessions, client):  # noqa: ANN001, ANN201
    """A label with seven songs and one catalogue-wide price, and a second label with none."""
    label = make_actor(sessions, "Catalogue Label 目录唱片", Role.OWNER)
    other = make_actor(sessions, "Unpriced Label", Role.OWNER)
    songs = []
    for i in range(7):
        songs.append(make_work(sessions, label, title=f"目录歌曲 Song {i}", length=180))
        make_holding(sessions, label, songs[-1])
    for i in range(3):
        make_holding(sessions, other, make_work(sessions, other, title=f"目录歌曲 Other {i}",
                                                length=180))
    r = client.post("/api/v1/offers", headers=label.headers, json={
        "template_id": "creator-short-video-30s", "rights": ["synchronisation"],
        "scope": "catalogue", "currency": "USD", "fixed_fee_minor": 1_000})
    assert r.status_code == 201, r.text
    return songs


def test_totals_and_pages_count_only_the_works_that_clear(client, catalogue_offer):
    use = {"purpose": "commercial", "channels": ["快手", "bilibili"], "portion_unit": "seconds",
           "portion_value": 20, "territories": "WORLD", "currency": "USD"}
    assert search(client, q="目录歌曲")["total"] == 10
    first = search(client, q="目录歌曲", limit=3, **use)
    rest = search(client, q="目录歌曲", offset=3, limit=10, **use)
    assert first["total"] == rest["total"] == 7
    assert [i["id"] for i in first["items"] + rest["items"]] == catalogue_offer
    assert [i["score"] for i in rest["items"]] == [4, 5, 6, 7]
    # 10.00 USD + the licensee's 5 %, in the currency asked for.
    assert {i["from_price"]["amount"] for i in first["items"]} == {"10.50"}
    assert {i["from_price"]["currency"] for i in rest["items"]} == {"USD"}
    assert search(client, **use)["total"] == 7  # no text: the whole filtered catalogue
    assert search(client, **(use | {"currency": "CNY"}))["items"][0]["from_price"] == {
        "currency": "CNY", "amount": "69.30", "minor": 6930}  # 10.00 x 6.6 = 66.00 + 5 %


@pytest.mark.parametrize(("params", "field"), [
    ({"purpose": "flying", "channels": "douyin"}, "purpose"),
    ({"channels": "douyin"}, "purpose"),
    ({"purpose": "commercial"}, "channels"),
    ({"purpose": "commercial", "channels": "抖因"}, "channels[0]"),
    ({"purpose": "commercial", "channels": "douyin", "territories": "ATLANTIS"}, "territories"),
    ({"purpose": "commercial", "channels": "douyin", "start": "2001-01-01"}, "start"),
    ({"purpose": "commercial", "channels": "douyin", "portion_value": 0}, "portion_value"),
    ({"purpose": "commercial", "channels": "douyin", "portion_unit": "seconds"}, "portion_value"),
    ({"purpose": "commercial", "channels": "douyin", "portion_unit": "percent",
      "portion_value": 150}, "portion_value"),
    ({"purpose": "commercial", "channels": "douyin", "currency": "XAU"}, "currency"),
    ({"purpose": "commercial", "channels": "douyin", "territories": "CN",
      "territories_excluded": "CN"}, "territories_excluded"),
    ({"purpose": "commercial", "channels": "douyin", "uses": "1.5"}, "uses"),
])
def test_bad_use_parameters_are_refused_in_the_one_error_shape(client, params, field):
    r = client.get("/api/v1/works", params=params)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    # FastAPI names a query parameter it refuses itself `query.<name>`; the service, `<name>`.
    assert field in [d["field"].removeprefix("query.") for d in error["details"]], error


def test_start_and_perpetual_follow_the_quote(client, world):
    later = (date.today() + timedelta(days=30)).isoformat()
    assert set(priced(search(client, **(AD | {"start": later})))) == {world.song, world.master}
    assert search(client, **(AD | {"perpetual": True}))["total"] == 0  # a one-year template


# The filter reads `clearable_works`, kept in step by the services that change its inputs: each
# kind of change shows in the very next search.

def found(client, **changes) -> set[str]:  # noqa: ANN001, ANN003
    return set(priced(search(client, **(AD | changes))))


def post_offer(client, actor, body) -> dict:  # noqa: ANN001
    r = client.post("/api/v1/offers", headers=actor.headers, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def act(client, actor, path, item, **json) -> dict:  # noqa: ANN001, ANN003
    """POST (withdraw) or PATCH (json given) an offer or holding at its current version."""
    headers = actor.headers | {"If-Match": f'"{item["version"]}"'}
    r = (client.patch(path, headers=headers, json=json) if json
         else client.post(path, headers=headers))
    assert r.status_code == 200, r.text
    return r.json()


def test_an_offer_created_changed_or_withdrawn_shows_in_the_next_search(client, sessions, world):
    solo = make_work(sessions, world.pub_a, title="独唱", length=180)
    make_holding(sessions, world.pub_a, solo)
    assert solo not in found(client)
    offer = post_offer(client, world.pub_a,
                       offer_body([solo], ["synchronisation"], fixed_fee_minor=100_000))
    assert solo in found(client)
    declined = act(client, world.pub_a, f"/api/v1/offers/{offer['id']}", offer, declined=True,
                   fixed_fee_minor=None)
    assert solo not in found(client)
    act(client, world.pub_a, f"/api/v1/offers/{offer['id']}/withdraw", declined)
    assert solo not in found(client)
    assert found(client) == {world.song, world.master}


def test_a_holding_added_changed_or_ended_shows_in_the_next_search(client, sessions, world):
    # A catalogue-wide price covers works the holder registers afterwards.
    post_offer(client, world.pub_a, offer_body([], ["synchronisation"], fixed_fee_minor=50_000)
               | {"scope": "catalogue"})
    later = make_work(sessions, world.pub_a, title="后来的歌", length=180)
    assert later not in found(client)  # registered, no holding yet
    holding_id = make_holding(sessions, world.pub_a, later)
    assert later in found(client)
    holding = client.get(f"/api/v1/holdings/{holding_id}", headers=world.pub_a.headers).json()
    collective = act(client, world.pub_a, f"/api/v1/holdings/{holding_id}", holding,
                     collective=True)
    assert later not in found(client)
    uncollected = act(client, world.pub_a, f"/api/v1/holdings/{holding_id}", collective,
                      collective=False)
    assert later in found(client)
    act(client, world.pub_a, f"/api/v1/holdings/{holding_id}/withdraw", uncollected)
    assert later not in found(client)


def test_a_conflict_opened_or_cleared_shows_in_the_next_search(client, sessions, world):
    solo = make_work(sessions, world.pub_a, title="独唱", length=180)
    make_holding(sessions, world.pub_a, solo)
    post_offer(client, world.pub_a, offer_body([solo], ["synchronisation"], fixed_fee_minor=1_000))
    assert solo in found(client)
    # Another 50 % claimed and accepted: 150 % of the right, an open over-claim.
    extra = make_holding(sessions, world.pub_b, solo, share="50")
    assert solo not in found(client)
    holding = client.get(f"/api/v1/holdings/{extra}", headers=world.pub_b.headers).json()
    act(client, world.pub_b, f"/api/v1/holdings/{extra}/withdraw", holding)  # clears it
    assert solo in found(client)


def test_a_relation_added_shows_in_the_next_search(client, sessions, world):
    unpriced = make_work(sessions, world.pub_b, title="没有报价的歌", length=200)
    make_holding(sessions, world.pub_b, unpriced)
    cover = make_work(sessions, world.label, type="sound_recording", title="翻唱", length=200)
    make_holding(sessions, world.label, cover, rights=["master_use"])
    post_offer(client, world.label, offer_body([cover], ["master_use"], fixed_fee_minor=1_000))
    assert cover in found(client)
    work = client.get(f"/api/v1/works/{cover}").json()
    r = client.patch(f"/api/v1/works/{cover}", headers=world.label.headers | {
        "If-Match": f'"{work["version"]}"'}, json={"relations": [
            {"kind": "embodies", "work_id": unpriced}]})
    assert r.status_code == 200, r.text
    assert cover not in found(client)  # the composition it now carries has no offer
