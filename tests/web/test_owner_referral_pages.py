"""The owner's referral inbox: a licensee's referral (sent through the API) shows with its
messages; the owner replies, counters, accepts with a price (a quote the licensee can buy) or
declines, as the referral service allows; real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.web.support import form_token, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}  # docs/demo.md
VERSION = re.compile(r'name="version" value="(\d+)"')


def _refer(client, message: str) -> dict:  # noqa: ANN001
    """晨光饮品 asks 一条 for one of its videos, with a use no rate card has."""
    found = client.get("/api/v1/works", params={"owner": "一条视频", "type": "short_video", "limit": 1}).json()
    work_id = found["items"][0]["id"]
    holder = next(h["holder_id"] for h in client.get(f"/api/v1/works/{work_id}/holdings").json()["items"]
                  if h["holder_name"].startswith("一条"))
    sent = client.post("/api/v1/referrals", headers=BRAND, json={
        "work_id": work_id, "right": "reproduce", "holder_id": holder, "purpose": "commercial",
        "channels": ["douyin"], "portion": {"unit": "seconds", "value": 15}, "territories": ["CN"],
        "term_days": 90, "message": message})
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def _thread(client, referral_id: str):  # noqa: ANN001, ANN202
    page = client.get(f"/owner/referrals/{referral_id}")
    assert page.status_code == 200, page.text[-600:]
    return page


def _answer(client, referral_id: str, step: str, **fields: str):  # noqa: ANN001, ANN202
    page = _thread(client, referral_id)
    found = VERSION.search(page.text)
    data = {"csrf_token": form_token(page), "version": found[1] if found else "", "body": "",
            "currency": "CNY", "fixed_fee": "", **fields}
    return client.post(f"/owner/referrals/{referral_id}/{step}", data=data, follow_redirects=False)


def test_the_owner_sees_a_referral_with_its_message_and_replies(browser_client):
    referral = _refer(browser_client, "我们想在一条广告里用15秒，可以吗？")
    assert sign_in(browser_client, *YITIAO).status_code == 303
    inbox = browser_client.get("/owner/referrals")
    assert inbox.status_code == 200 and f'href="/owner/referrals/{referral["id"]}"' in inbox.text
    assert "晨光饮品" in inbox.text
    assert "我们想在一条广告里用15秒，可以吗？" in _thread(browser_client, referral["id"]).text
    sent = _answer(browser_client, referral["id"], "message", body="可以，请问投放多久？")
    assert sent.status_code == 303
    messages = browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND)
    assert "可以，请问投放多久？" in messages.text  # the licensee reads the reply through the service


def test_the_owner_accepts_with_a_price_and_the_licensee_gets_a_quote(browser_client):
    referral = _refer(browser_client, "报价？")
    assert sign_in(browser_client, *YITIAO).status_code == 303
    no_price = _answer(browser_client, referral["id"], "accept")
    assert no_price.status_code == 422 and 'id="form-error"' in no_price.text
    accepted = _answer(browser_client, referral["id"], "accept", fixed_fee="1,200.00", body="成交")
    assert accepted.status_code == 303, accepted.text[-800:]
    after = browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND).json()
    assert after["status"] == "accepted" and after["price"]["fixed_fee_minor"] == 120_000
    assert after["quote_id"]  # a quote the licensee can buy
    page = _thread(browser_client, referral["id"])
    assert "¥1,200.00" in page.text and 'id="price-form"' not in page.text  # nothing left to answer


def test_a_counter_then_a_stale_or_late_answer_is_refused(browser_client, second_client):
    referral = _refer(browser_client, "便宜点？")
    assert sign_in(browser_client, *YITIAO).status_code == 303
    stale_page = _thread(browser_client, referral["id"])
    countered = _answer(browser_client, referral["id"], "counter", fixed_fee="900")
    assert countered.status_code == 303
    stale = browser_client.post(f"/owner/referrals/{referral['id']}/decline", data={
        "csrf_token": form_token(stale_page), "version": VERSION.search(stale_page.text)[1], "body": "",
        "currency": "CNY", "fixed_fee": ""})
    assert stale.status_code == 412 and 'id="reload"' in stale.text
    assert browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND).json()["status"] == "countered"
    declined = _answer(browser_client, referral["id"], "decline", body="算了")
    assert declined.status_code == 303
    assert browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND).json()["status"] == "declined"
    assert "晨光饮品" in browser_client.get("/owner/referrals").text


def test_another_owner_cannot_open_or_answer_a_referral_and_forms_need_their_token(browser_client, second_client):
    referral = _refer(browser_client, "给一条的")
    assert sign_in(second_client, *ERGENG).status_code == 303
    assert referral["id"] not in second_client.get("/owner/referrals").text
    assert second_client.get(f"/owner/referrals/{referral['id']}").status_code == 403
    token = form_token(second_client.get("/account"))
    for step in ("message", "accept", "decline"):
        answer = second_client.post(f"/owner/referrals/{referral['id']}/{step}", data={
            "csrf_token": token, "version": "1", "body": "抢答", "currency": "CNY", "fixed_fee": "1"})
        assert answer.status_code == 403, step
    assert sign_in(browser_client, *YITIAO).status_code == 303
    tokenless = browser_client.post(f"/owner/referrals/{referral['id']}/decline", data={"version": "1"})
    assert tokenless.status_code == 403
    after = browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND).json()
    assert after["status"] == "open"
    assert "抢答" not in browser_client.get(f"/api/v1/referrals/{referral['id']}", headers=BRAND).text
    other = second_client.__class__(browser_client.app, raise_server_exceptions=False)
    sign_up(other, "licensee-no-inbox@example.com")
    assert other.get("/owner/referrals").status_code == 403
