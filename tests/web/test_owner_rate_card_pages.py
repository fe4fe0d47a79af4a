"""The owner's rate cards on pages (its offers per licence template, created and changed within
the API's bounds) and what a buyer would pay, priced by the quote service; real HTTP on SQLite
and PostgreSQL with the demo owners (一条's short videos are priced ¥500.00 for creators)."""

from __future__ import annotations

import re

from tests.web.support import form_token, hidden_fields, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
OFFER_LINK = re.compile(r'href="/owner/rate-cards/(ofr_[A-Za-z0-9]+)"')
TOTAL = re.compile(r'<p class="price" id="total">([^<]+)</p>')
VALUE = re.compile(r'name="(currency|fixed_fee|per_1000_plays|revenue_share_pct)" value="([^"]*)"')
CHECKED_RIGHTS = re.compile(r'name="rights" value="([a-z_]+)" checked')


def _signed_in(client, who: tuple[str, str]) -> None:  # noqa: ANN001
    assert sign_in(client, *who).status_code == 303


def _video_of(client, owner: str) -> str:  # noqa: ANN001
    found = client.get("/api/v1/works", params={"owner": owner, "type": "short_video", "limit": 1}).json()
    return str(found["items"][0]["id"])


def _video_offer(client) -> str:  # noqa: ANN001
    """The owner's creator short-video rate card: the one with a ¥500.00 fixed fee in the demo."""
    page = client.get("/owner/rate-cards").text
    rows = re.findall(r'<tr class="offer">(.*?)</tr>', page, re.S)
    return next(OFFER_LINK.search(r)[1] for r in rows if "500.00" in r)


def _edit_form(client, offer_id: str) -> dict:  # noqa: ANN001
    page = client.get(f"/owner/rate-cards/{offer_id}")
    assert page.status_code == 200, page.text[-500:]
    return {**hidden_fields(page), **dict(VALUE.findall(page.text)), "rights": CHECKED_RIGHTS.findall(page.text)}


def _buyer_pays(client, work_id: str) -> str:  # noqa: ANN001
    page = client.get("/owner/price-preview", params={"work_id": work_id, "channel": "douyin", "seconds": "15"})
    assert page.status_code == 200, page.text[-800:]
    found = TOTAL.search(page.text)
    assert found, page.text[-800:]
    return found[1]


def test_an_owner_sees_its_rate_cards_per_template(browser_client):
    _signed_in(browser_client, YITIAO)
    page = browser_client.get("/owner/rate-cards")
    assert page.status_code == 200
    assert page.text.count('<section class="card template">') == 2  # short video and photo-in-video
    assert "¥500.00" in page.text and "¥100.00" in page.text


def test_changing_a_rate_card_changes_what_a_buyer_would_pay(browser_client):
    _signed_in(browser_client, YITIAO)
    video = _video_of(browser_client, "一条视频")
    before = _buyer_pays(browser_client, video)
    assert before == TOTAL.search(browser_client.get("/quote-preview", params={
        "work_id": video, "channel": "douyin", "seconds": "15"}).text)[1]  # the work page's own price
    offer_id = _video_offer(browser_client)
    form = _edit_form(browser_client, offer_id) | {"fixed_fee": "600.00", "action": "save"}
    saved = browser_client.post(f"/owner/rate-cards/{offer_id}", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/owner/rate-cards?saved=changed"
    assert "¥600.00" in browser_client.get("/owner/rate-cards").text
    after = _buyer_pays(browser_client, video)
    assert after != before and "600" in browser_client.get(f"/api/v1/offers/{offer_id}").text
    assert browser_client.get(f"/api/v1/offers/{offer_id}").json()["fixed_fee_minor"] == 60_000


def test_a_stale_rate_card_form_is_refused_and_changes_nothing(browser_client, second_client):
    _signed_in(browser_client, YITIAO)
    _signed_in(second_client, YITIAO)
    offer_id = _video_offer(browser_client)
    stale = _edit_form(browser_client, offer_id) | {"fixed_fee": "1.00", "action": "save"}
    fresh = _edit_form(second_client, offer_id) | {"fixed_fee": "700.00", "action": "save"}
    assert second_client.post(f"/owner/rate-cards/{offer_id}", data=fresh, follow_redirects=False).status_code == 303
    refused = browser_client.post(f"/owner/rate-cards/{offer_id}", data=stale)
    assert refused.status_code == 412 and 'id="reload"' in refused.text
    assert browser_client.get(f"/api/v1/offers/{offer_id}").json()["fixed_fee_minor"] == 70_000


def test_an_owner_creates_a_rate_card_and_one_for_rights_it_does_not_hold_is_refused(browser_client):
    _signed_in(browser_client, YITIAO)
    form = browser_client.get("/owner/rate-cards/new")
    templates = dict(re.findall(r'<option value="(tpl_[A-Za-z0-9]+)"\s*>([^<]+)</option>', form.text))
    branded = next(t for t, name in templates.items() if "品牌" in name or "rand" in name)
    data = {"csrf_token": form_token(form), "template_id": branded, "scope": "catalogue", "work_ids": "",
            "rights": ["reproduce", "perform_public"], "currency": "CNY", "fixed_fee": "2,000.50",
            "per_1000_plays": "", "revenue_share_pct": ""}
    wrong = browser_client.post("/owner/rate-cards/new", data=data | {"rights": ["master_use"]})
    assert wrong.status_code == 422 and 'id="form-error"' in wrong.text
    assert 'value="2,000.50"' in wrong.text  # what was typed is kept
    no_price = browser_client.post("/owner/rate-cards/new", data=data | {"fixed_fee": ""})
    assert no_price.status_code == 422
    created = browser_client.post("/owner/rate-cards/new", data=data, follow_redirects=False)
    assert created.status_code == 303, created.text[-600:]
    listed = browser_client.get("/owner/rate-cards").text
    assert listed.count('<section class="card template">') == 3 and "¥2,000.50" in listed


def test_another_owners_rate_card_and_work_are_refused_by_url(browser_client, second_client):
    _signed_in(browser_client, YITIAO)
    _signed_in(second_client, ERGENG)
    theirs = OFFER_LINK.findall(second_client.get("/owner/rate-cards").text)[0]
    assert browser_client.get(f"/owner/rate-cards/{theirs}").status_code == 403
    form = _edit_form(second_client, theirs) | {"fixed_fee": "0.01", "action": "save",
                                                "csrf_token": form_token(browser_client.get("/account"))}
    assert browser_client.post(f"/owner/rate-cards/{theirs}", data=form).status_code == 403
    assert browser_client.post(f"/owner/rate-cards/{theirs}", data=form | {"action": "withdraw"}).status_code == 403
    assert second_client.get(f"/api/v1/offers/{theirs}").json()["status"] == "active"
    their_video = _video_of(second_client, "二更")
    assert browser_client.get("/owner/price-preview", params={"work_id": their_video}).status_code == 403


def test_the_rate_card_pages_need_an_owner_and_a_form_token(browser_client, second_client):
    _signed_in(second_client, YITIAO)
    offer_id = _video_offer(second_client)
    tokenless = {k: v for k, v in _edit_form(second_client, offer_id).items() if k != "csrf_token"}
    assert second_client.post(f"/owner/rate-cards/{offer_id}", data=tokenless | {"action": "withdraw"}
                              ).status_code == 403
    assert second_client.get(f"/api/v1/offers/{offer_id}").json()["status"] == "active"
    sign_up(browser_client, "licensee-no-rate-cards@example.com")
    for path in ("/owner/rate-cards", "/owner/rate-cards/new", f"/owner/rate-cards/{offer_id}",
                 "/owner/price-preview"):
        assert browser_client.get(path).status_code == 403, path
