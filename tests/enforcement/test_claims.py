"""Identified uploads become claims only where no licence covers them, under the owner's policy;
an offer is bought in one step and the claim closes as licensed (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.enforcement.tables import ContentClaim
from tests.enforcement.world import (
    CLAIMS,
    POLICIES,
    carried,
    identify,
    make_world,
    yesterday,
)
from tests.licensing.purchase_support import bought_and_paid, buy, make_quote, pay, use_of


def test_each_policy_is_applied_and_none_set_means_track(client, sessions):  # noqa: ANN001
    w = make_world(sessions)
    first = identify(sessions, w, upload_ref="u-default")
    assert (first.outcome, first.policy) == ("claimed", "track")
    publisher = w.m.publisher.headers
    for policy in ("block", "warn", "offer", "monetise", "track"):
        put = client.put(POLICIES, json={"work_id": w.m.work_id, "policy": policy},
                         headers=publisher)
        assert put.status_code == 200, put.text
        out = identify(sessions, w, upload_ref=f"u-{policy}")
        assert (out.outcome, out.policy) == ("claimed", policy)
    # A territory's own rule beats the work's rule there and nowhere else.
    assert client.put(POLICIES, json={"work_id": w.m.work_id, "territory": "HK",
                                      "policy": "block"}, headers=publisher).status_code == 200
    assert identify(sessions, w, upload_ref="u-hk", territory="HK").policy == "block"
    assert identify(sessions, w, upload_ref="u-cn").policy == "track"
    # The owner-wide default applies to its works without a rule of their own.
    assert client.delete(POLICIES, params={"work_id": w.m.work_id},
                         headers=publisher).status_code == 204
    assert client.put(POLICIES, json={"policy": "warn"}, headers=publisher).status_code == 200
    assert identify(sessions, w, upload_ref="u-owner-default").policy == "warn"
    listed = client.get(POLICIES, headers=publisher).json()
    assert {(p["work_id"], p["territory"], p["policy"]) for p in listed} == {
        (None, None, "warn"), (w.m.work_id, "HK", "block")}
    # Another owner may not set a policy on the work; an unknown policy is a 422.
    stranger = client.put(POLICIES, json={"work_id": w.m.work_id, "policy": "block"},
                          headers=w.uploader.headers)
    assert stranger.status_code == 403
    assert client.put(POLICIES, json={"policy": "delete_it"}, headers=publisher).status_code == 422


def test_the_same_upload_identified_twice_is_one_claim_and_weak_matches_do_nothing(
        client, sessions):  # noqa: ANN001
    w = make_world(sessions)
    one, two = identify(sessions, w), identify(sessions, w)
    assert one.claim_id == two.claim_id and one.outcome == "claimed"
    weak = identify(sessions, w, upload_ref="u-weak", false_match_rate=0.05)
    assert (weak.outcome, weak.claim_id) == ("below_threshold", None)
    with unit_of_work(sessions) as s:
        assert s.scalar(select(func.count()).select_from(ContentClaim)) == 1


def test_a_licensed_use_is_never_claimed_and_each_dimension_outside_the_licence_is(
        client, sessions):  # noqa: ANN001
    w = make_world(sessions)
    # The licensee holds 30 s of the song on 抖音 and 快手 in CN from today for a year.
    licence = bought_and_paid(client, sessions, w.m)
    me = {"uploader_party_id": w.m.licensee.party_id}
    covered = identify(sessions, w, upload_ref="ok", **me)
    assert (covered.outcome, covered.licence_id, covered.claim_id) == (
        "licensed", licence["id"], None)
    outside = {"channel": {"channel": "bilibili"}, "territory": {"territory": "HK"},
               "date": {"uploaded_on": yesterday()}, "portion": {"seconds": 40.0},
               "party": {"uploader_party_id": w.uploader.party_id}}
    for name, change in outside.items():
        seconds = change.pop("seconds", 20.0)
        out = identify(sessions, w, upload_ref=f"out-{name}", seconds=seconds, **(me | change))
        assert out.outcome == "claimed", name
    # The licence carried in the upload's C2PA manifest covers its holder's use wherever shown.
    shown = identify(sessions, w, upload_ref="c2pa", uploader_party_id=None,
                     platform_party_id=w.platform.party_id,
                     licence_checked=carried(licence["id"]))
    assert (shown.outcome, shown.licence_id) == ("licensed", licence["id"])
    # A platform-wide licence covers every upload on the platform.
    quote = make_quote(sessions, w.platform, use=use_of(w.m.work_id, channels=["douyin"]))
    bought = buy(client, w.platform, quote)
    assert bought.status_code == 201 and pay(client, w.m.operator, bought.json()).status_code == 200
    assert identify(sessions, w, upload_ref="platform-wide").outcome == "licensed"


def test_the_offer_is_bought_in_one_step_and_the_upload_is_then_licensed(client, sessions):  # noqa: ANN001
    w = make_world(sessions)
    client.put(POLICIES, json={"work_id": w.m.work_id, "policy": "offer"},
               headers=w.m.publisher.headers)
    claimed = identify(sessions, w, uploaded_on=utcnow().date() - timedelta(days=3))
    claim = client.get(f"{CLAIMS}/{claimed.claim_id}", headers=w.uploader.headers).json()["claim"]
    quote = client.get(f"/api/v1/quotes/{claim['quote_id']}", headers=w.uploader.headers).json()
    assert quote["totals"]["total_minor"] == 105_000  # the routine offers, 30 s: 1,050.00 CNY
    assert quote["use"]["channels"] == ["douyin"] and quote["use"]["territories"] == ["CN"]
    # Nobody but the uploader's side buys it.
    for other in (w.m.publisher, w.m.licensee):
        assert client.post(f"{CLAIMS}/{claim['id']}/buy", headers=other.headers).status_code in (
            403, 404)
    bought = client.post(f"{CLAIMS}/{claim['id']}/buy", headers=w.uploader.headers)
    assert bought.status_code == 200, bought.text
    assert bought.json()["status"] == "licensed" and bought.json()["license_id"]
    assert client.post(f"{CLAIMS}/{claim['id']}/buy", headers=w.uploader.headers).status_code == 409
    licence = client.get(f"/api/v1/licenses/{bought.json()['license_id']}",
                         headers=w.uploader.headers).json()
    assert pay(client, w.m.operator, licence).status_code == 200
    again = identify(sessions, w, uploaded_on=utcnow().date() - timedelta(days=3))
    assert (again.outcome, again.licence_id) == ("licensed", licence["id"])
    # And a new upload of the same use by the same uploader is covered by that licence.
    fresh = identify(sessions, w, upload_ref="another-upload")
    assert fresh.outcome == "licensed"


def test_warn_offer_and_block_claims_send_the_platform_a_notice(client, sessions):  # noqa: ANN001
    w = make_world(sessions)
    for policy in ("block", "warn", "offer", "monetise", "track"):
        assert client.put(POLICIES, json={"work_id": w.m.work_id, "policy": policy},
                          headers=w.m.publisher.headers).status_code == 200
        identify(sessions, w, upload_ref=f"n-{policy}")
    notices = client.get("/api/v1/notices", headers=w.platform.headers)
    assert notices.status_code == 200, notices.text
    claims = client.get(CLAIMS, headers=w.m.publisher.headers).json()["items"]
    ref_of = {c["id"]: c["upload_ref"] for c in claims}
    items = notices.json()
    assert sorted(ref_of[n["claim_id"]] for n in items) == ["n-block", "n-offer", "n-warn"]
    offer = next(n for n in items if ref_of[n["claim_id"]] == "n-offer")
    html = client.get(f"/api/v1/notices/{offer['id']}", params={"lang": "en"},
                      headers=w.platform.headers)
    assert html.status_code == 200 and "n-offer" in html.text
