"""The licensee's referrals on the pages: a right the checkout cannot clear is asked of its
holder, the licensee follows the thread, writes, reads the holder's answer, accepts its price and
buys it; nobody else reads the thread. Real HTTP through the app on the demo market, on SQLite
and PostgreSQL; the holder answers through the API (its inbox is the owner's pages)."""

from __future__ import annotations

import re

from tests.web.support import form_token, sign_in, sign_up

YITIAO_KEY = {"Authorization": "Bearer chk_de0000000002_demo-owner-yitiao"}  # docs/demo.md
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ASK_FORM = re.compile(r'<form method="post" action="/referrals" class="ask">(.*?)</form>', re.S)
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def _video_of_yitiao(client) -> str:  # noqa: ANN001
    found = client.get("/api/v1/works", params={"owner": "一条视频", "type": "short_video", "limit": 1})
    return str(found.json()["items"][0]["id"])


def _ask(client, message: str = "可以用15秒吗？") -> str:  # noqa: ANN001
    """From the checkout of an edited use (the director's approval must be asked for)."""
    checkout = client.get("/checkout", params={"work_id": _video_of_yitiao(client), "channel": "douyin",
                                               "seconds": "15", "edited": "1"})
    assert checkout.status_code == 200, checkout.text[-600:]
    forms = ASK_FORM.findall(checkout.text)
    assert forms, "the checkout offers to ask the holder"
    sent = client.post("/referrals", data=dict(FIELD.findall(forms[0])) | {"message": message},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text[-600:]
    return str(sent.headers["location"]).rsplit("/", 1)[-1]


def test_a_licensee_asks_the_holder_reads_the_answer_accepts_and_buys(browser_client):
    assert sign_up(browser_client, "asker@example.com").status_code == 303
    referral_id = _ask(browser_client)
    listed = browser_client.get("/referrals")
    assert listed.status_code == 200 and f"/referrals/{referral_id}" in listed.text
    thread = browser_client.get(f"/referrals/{referral_id}")
    assert "可以用15秒吗？" in thread.text and "等待权利人回复" in thread.text  # waiting for the holder

    # the holder answers with a price (through the API; the owner's inbox calls the same service)
    version = int(VERSION.findall(thread.text)[0])
    countered = browser_client.post(
        f"/api/v1/referrals/{referral_id}/counter", headers=YITIAO_KEY,
        json={"price": {"currency": "CNY", "fixed_fee_minor": 88800}, "message": "888元可以", "version": version})
    assert countered.status_code == 200, countered.text
    thread = browser_client.get(f"/referrals/{referral_id}")
    assert "888元可以" in thread.text and "888.00" in thread.text and 'id="accept"' in thread.text

    wrote = browser_client.post(f"/referrals/{referral_id}/messages",
                                data={"csrf_token": form_token(thread), "body": "好的，谢谢"},
                                follow_redirects=False)
    assert wrote.status_code == 303
    api = browser_client.get(f"/api/v1/referrals/{referral_id}", headers=YITIAO_KEY).json()
    assert [m["body"] for m in api["messages"]][-1] == "好的，谢谢"  # the holder reads it

    thread = browser_client.get(f"/referrals/{referral_id}")
    accepted = browser_client.post(f"/referrals/{referral_id}/accept", data={
        "csrf_token": form_token(thread), "version": VERSION.findall(thread.text)[0]}, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text[-600:]
    thread = browser_client.get(f"/referrals/{referral_id}")
    assert "已谈妥：可以购买" in thread.text  # agreed: ready to buy
    total = re.search(r'name="expected_total_minor" value="(\d+)"', thread.text)
    assert total and int(total[1]) > 88800  # the holder's price plus the service fee
    bought = browser_client.post(f"/referrals/{referral_id}/buy", data={
        "csrf_token": form_token(thread), "expected_total_minor": total[1]}, follow_redirects=False)
    assert bought.status_code == 303, bought.text[-600:]
    licence = browser_client.get(str(bought.headers["location"]))
    assert licence.status_code == 200
    again = browser_client.post(f"/referrals/{referral_id}/buy", data={
        "csrf_token": form_token(thread), "expected_total_minor": total[1]}, follow_redirects=False)
    assert again.headers.get("location", "").split("?")[0] == str(bought.headers["location"]).split("?")[0]


def test_a_licensee_withdraws_a_request(browser_client):
    assert sign_up(browser_client, "withdrawer@example.com").status_code == 303
    referral_id = _ask(browser_client)
    thread = browser_client.get(f"/referrals/{referral_id}")
    gone = browser_client.post(f"/referrals/{referral_id}/withdraw", data={
        "csrf_token": form_token(thread), "version": VERSION.findall(thread.text)[0]}, follow_redirects=False)
    assert gone.status_code == 303
    assert browser_client.get(f"/api/v1/referrals/{referral_id}", headers=YITIAO_KEY).json()["status"] == "withdrawn"


def test_another_party_cannot_read_or_write_a_referral(browser_client, second_client):
    assert sign_up(browser_client, "owner-of-thread@example.com").status_code == 303
    referral_id = _ask(browser_client)
    assert sign_up(second_client, "nosy@example.com").status_code == 303
    assert second_client.get(f"/referrals/{referral_id}").status_code == 403
    assert f"/referrals/{referral_id}" not in second_client.get("/referrals").text
    token = form_token(second_client.get("/account"))
    assert second_client.post(f"/referrals/{referral_id}/messages", data={
        "csrf_token": token, "body": "hi"}, follow_redirects=False).status_code == 403
    assert browser_client.get("/referrals/ref_doesnotexist").status_code == 404


def test_a_form_without_its_token_is_refused_and_writes_nothing(browser_client):
    assert sign_up(browser_client, "tokenless@example.com").status_code == 303
    referral_id = _ask(browser_client)
    refused = browser_client.post(f"/referrals/{referral_id}/messages", data={"body": "no token"},
                                  follow_redirects=False)
    assert refused.status_code == 403
    assert "no token" not in browser_client.get(f"/referrals/{referral_id}").text


def test_the_referrals_page_is_for_licensees(browser_client, second_client):
    assert browser_client.get("/referrals", follow_redirects=False).headers["location"].startswith("/sign-in")
    assert sign_in(second_client, *YITIAO).status_code == 303
    assert second_client.get("/referrals").status_code == 403
