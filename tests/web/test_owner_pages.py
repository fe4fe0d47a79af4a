"""The owner's pages: its works with who holds what, registering a work, licences sold and
earnings; real HTTP through the app with the demo owners' sign-ins on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.web.support import buy, form_token, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
ERGENG_KEY = "chk_de0000000003_demo-owner-ergeng"  # docs/demo.md
WORK_LINK = re.compile(r'href="/owner/works/(wrk_[A-Za-z0-9]+)"')


def _signed_in(client, who: tuple[str, str]) -> None:  # noqa: ANN001
    assert sign_in(client, *who).status_code == 303


def _works_of(client, owner_name: str, work_type: str) -> list[str]:  # noqa: ANN001
    found = client.get("/api/v1/works", params={"owner": owner_name, "type": work_type, "limit": 50}).json()
    return [str(item["id"]) for item in found["items"]]


def test_each_owner_sees_only_its_own_works_with_their_holdings(browser_client, second_client):
    _signed_in(browser_client, YITIAO)
    _signed_in(second_client, ERGENG)
    mine = browser_client.get("/owner/works")
    assert mine.status_code == 200
    listed = set(WORK_LINK.findall(mine.text))
    assert len(listed) == 20  # a page of them; the demo gives 一条 more
    assert "一条视频" in mine.text and "%" in mine.text  # holdings: holder and share
    for work_id in listed:
        holders = browser_client.get(f"/api/v1/works/{work_id}/holdings").json()["items"]
        assert any(h["holder_name"].startswith("一条视频") for h in holders), work_id
    theirs = set(WORK_LINK.findall(second_client.get("/owner/works").text))
    assert theirs and not (theirs & listed)
    second_page = browser_client.get("/owner/works", params={"offset": 20})
    assert second_page.status_code == 200 and not (set(WORK_LINK.findall(second_page.text)) & listed)


def test_another_owners_work_by_url_is_refused(browser_client, second_client):
    _signed_in(browser_client, YITIAO)
    _signed_in(second_client, ERGENG)
    ergeng_work = sorted(WORK_LINK.findall(second_client.get("/owner/works").text))[0]
    assert second_client.get(f"/owner/works/{ergeng_work}").status_code == 200
    assert browser_client.get(f"/owner/works/{ergeng_work}").status_code == 403
    assert browser_client.get("/owner/works/wrk_doesnotexist").status_code == 404


def test_an_owner_sees_the_open_conflict_on_its_work(browser_client):
    # The demo's 一条 claims the reproduction right of one of 二更's videos: 二更 manages it.
    _signed_in(browser_client, ERGENG)
    conflicts = browser_client.get("/api/v1/conflicts", params={"status": "open"},
                                   headers={"Authorization": f"Bearer {ERGENG_KEY}"})
    claimed = [c["work_id"] for c in conflicts.json()["items"] if c["kind"] == "claim"]
    assert claimed
    page = browser_client.get(f"/owner/works/{claimed[0]}")
    assert page.status_code == 200
    assert re.search(r'<ul class="conflicts">\s*<li class="error">', page.text)


def test_an_owner_registers_a_work_and_sees_it_listed(browser_client):
    _signed_in(browser_client, YITIAO)
    form = browser_client.get("/owner/works/new")
    assert form.status_code == 200
    sent = browser_client.post("/owner/works/new", data={
        "csrf_token": form_token(form), "type": "photograph", "title": "西湖·晨雾（新）",
        "creator": "王摄影", "length": "", "scheme": "isrc", "identifier": ""}, follow_redirects=False)
    assert sent.status_code == 303
    work_page = browser_client.get(sent.headers["location"])
    assert work_page.status_code == 200 and "西湖·晨雾（新）" in work_page.text
    assert "西湖·晨雾（新）" in browser_client.get("/owner/works").text  # newest first


def test_a_wrong_register_form_shows_the_error_and_keeps_what_was_typed(browser_client):
    _signed_in(browser_client, YITIAO)
    token = form_token(browser_client.get("/owner/works/new"))
    wrong = browser_client.post("/owner/works/new", data={
        "csrf_token": token, "type": "photograph", "title": "雨中的外滩", "creator": "李",
        "length": "", "scheme": "iswc", "identifier": "T-000.000.000-0"})
    assert wrong.status_code == 422
    assert 'id="form-error"' in wrong.text
    error = wrong.text.split('id="form-error">', 1)[1].split("</p>", 1)[0]
    assert "请检查表单" in error  # the advice is Chinese; the service's English detail is marked as English
    assert '<span class="meta" lang="en">' in error
    assert 'value="雨中的外滩"' in wrong.text and 'value="T-000.000.000-0"' in wrong.text
    assert "雨中的外滩" not in browser_client.get("/owner/works").text  # nothing half-registered


def test_a_register_form_without_its_token_is_refused_and_registers_nothing(browser_client):
    _signed_in(browser_client, YITIAO)
    refused = browser_client.post("/owner/works/new", data={"type": "photograph", "title": "无令牌"})
    assert refused.status_code == 403
    assert "无令牌" not in browser_client.get("/owner/works").text


def test_a_licensee_cannot_open_the_owner_pages(browser_client):
    sign_up(browser_client, "not-an-owner@example.com")
    assert browser_client.get("/owner/works").status_code == 403
    assert browser_client.get("/owner/works/new").status_code == 403
    assert browser_client.get("/owner/sales").status_code == 403
    token = form_token(browser_client.get("/account"))
    posted = browser_client.post("/owner/works/new", data={"csrf_token": token, "type": "photograph",
                                                           "title": "冒名"})
    assert posted.status_code == 403
    assert "/owner/works" not in browser_client.get("/account").text  # no owner links in the header


def test_not_signed_in_the_owner_pages_go_to_sign_in(browser_client):
    answer = browser_client.get("/owner/works", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?next=%2Fowner%2Fworks"


def test_after_a_licensee_buys_the_owners_sales_page_lists_the_licence_and_the_earnings(
        browser_client, second_client):
    _signed_in(second_client, YITIAO)
    before = second_client.get("/owner/sales")
    assert before.status_code == 200
    video = _works_of(second_client, "一条视频", "short_video")[0]
    sign_up(browser_client, "buyer-of-a-video@example.com")
    licence = buy(browser_client, video)
    licence_id = licence.rsplit("/", 1)[-1]
    assert licence_id not in before.text
    after = second_client.get("/owner/sales")
    assert after.status_code == 200 and licence_id in after.text
    earnings = re.search(r'<ul id="earnings">(.*?)</ul>', after.text, re.S)
    assert earnings and re.search(r"¥[\d,]+\.\d\d", earnings[1])  # minor units as currency: ¥500.00
    assert second_client.get(licence).status_code == 200  # paid through it, so it may see it
