"""The rest of the owner's console in a real browser (Debian's chromium) on what `clearinghouse
demo` serves: editing a work, holdings and conflicts, rate cards with what a buyer would pay, the
bulk import with its progress, the referral inbox. axe-core finds no serious or critical violation
on any of these pages; screenshots go to test-artifacts/web/ (viewport-sized ones, `*-view.png`,
are the ones docs/owner.md shows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web.browser import ARTIFACTS, ScriptedPerson, serious_accessibility_violations

pytestmark = pytest.mark.slow
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}  # docs/demo.md
CATALOGUE = ("ref,type,title,creators,rights,share,territories,warranty\n"
             "b1,short_video,浏览器导入的视频,王导:director,reproduce;perform_public,100,CN,yes\n"
             "b2,short_video,份额不对的视频,,reproduce,150,CN,yes\n")


@pytest.fixture
def owner_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _sign_in(page: Any, base: str, who: tuple[str, str]) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url("**/search")


def _shots(page: Any, name: str) -> None:
    ScriptedPerson(page).screenshot(name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-view.png"))  # viewport-sized, for the docs


def test_an_owner_edits_a_work_in_the_browser(owner_page, demo_server):
    page, found = owner_page, {}
    _sign_in(page, demo_server, YITIAO)
    page.goto(f"{demo_server}/owner/works")
    page.locator("#works h2 a").first.click()
    page.wait_for_url("**/owner/works/wrk_**")
    page.click("#edit")
    page.wait_for_url("**/edit")
    found["edit"] = serious_accessibility_violations(page)
    page.fill("input[name=title]", "浏览器里改过的标题")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#saved")
    assert page.locator("h1").inner_text() == "浏览器里改过的标题"
    found["work"] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_an_owner_sees_conflicts_to_decide_registers_a_holding_and_reads_its_holdings(owner_page, demo_server):
    page, found = owner_page, {}
    _sign_in(page, demo_server, ERGENG)
    page.goto(f"{demo_server}/owner/works")
    page.click("#conflicts-link")
    page.wait_for_url("**/owner/conflicts")
    assert page.locator("#conflicts button.accept").count() >= 1  # 一条's claim on one of its videos
    _shots(page, "owner-conflicts")
    found["conflicts"] = serious_accessibility_violations(page)
    page.goto(f"{demo_server}/owner/works")
    page.locator("#works h2 a").first.click()
    page.click("#add-holding")
    page.wait_for_url("**/owner/holdings/new?work_id=*")
    found["new holding"] = serious_accessibility_violations(page)
    page.check("input[name=rights][value=distribute]")
    page.fill("input[name=share]", "1")
    page.check("input[name=warranty]")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/owner/holdings?created=active")
    assert page.locator("#holdings tbody tr").count() >= 2
    found["holdings"] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_an_owner_reads_its_rate_cards_and_sees_what_a_buyer_would_pay(owner_page, demo_server):
    page, found = owner_page, {}
    _sign_in(page, demo_server, YITIAO)
    page.goto(f"{demo_server}/owner/works")
    page.click("#rate-cards-link")
    page.wait_for_url("**/owner/rate-cards")
    assert page.locator("#rate-cards section.template").count() >= 2
    _shots(page, "owner-rate-cards")
    found["rate cards"] = serious_accessibility_violations(page)
    page.locator("#rate-cards a", has_text="修改").first.click()
    page.wait_for_url("**/owner/rate-cards/ofr_**")
    found["change"] = serious_accessibility_violations(page)
    page.goto(f"{demo_server}/owner/rate-cards/new")
    found["new"] = serious_accessibility_violations(page)
    with httpx.Client(base_url=demo_server, timeout=60) as api:  # a video: the use form speaks in seconds
        video = api.get("/api/v1/works", params={"owner": "一条视频", "type": "short_video", "limit": 1}).json()
    page.goto(f"{demo_server}/owner/price-preview?work_id={video['items'][0]['id']}")
    total = page.locator("#total").inner_text()
    assert total.startswith("¥")
    with page.expect_response(lambda r: "/quote-preview" in r.url):  # htmx: the price follows the form
        page.fill("input[name=seconds]", "16")
    page.wait_for_selector("#total")
    _shots(page, "owner-price-preview")
    found["preview"] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_an_owner_imports_a_csv_and_watches_its_progress_to_the_rejected_rows(owner_page, demo_server):
    page, found = owner_page, {}
    _sign_in(page, demo_server, YITIAO)
    page.goto(f"{demo_server}/owner/works")
    page.click("#import-link")
    page.wait_for_url("**/owner/import")
    found["form"] = serious_accessibility_violations(page)
    page.set_input_files("input[name=file]", files=[{"name": "catalogue.csv", "mimeType": "text/csv",
                                                     "buffer": CATALOGUE.encode()}])
    page.click("#start-import")
    page.wait_for_url("**/owner/import/job_**")
    page.wait_for_selector("#import-done", timeout=60_000)  # htmx polls the progress until done
    assert page.locator("#row-errors tbody tr").count() == 1
    _shots(page, "owner-import")
    found["report"] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_an_owner_answers_a_referral_from_its_inbox(owner_page, demo_server):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        work = api.get("/api/v1/works", params={"owner": "一条视频", "type": "short_video", "limit": 1}).json()
        work_id = work["items"][0]["id"]
        holder = next(h["holder_id"] for h in api.get(f"/api/v1/works/{work_id}/holdings").json()["items"]
                      if h["holder_name"].startswith("一条"))
        sent = api.post("/api/v1/referrals", headers=BRAND, json={
            "work_id": work_id, "right": "reproduce", "holder_id": holder,
            "purpose": "commercial", "channels": ["kuaishou"], "portion": {"unit": "seconds", "value": 20},
            "territories": ["CN"], "term_days": 30, "message": "想在快手广告里用20秒，报个价？"})
        assert sent.status_code == 201, sent.text
    page, found = owner_page, {}
    _sign_in(page, demo_server, YITIAO)
    page.goto(f"{demo_server}/owner/works")
    page.click("#referrals-link")
    page.wait_for_url("**/owner/referrals")
    found["inbox"] = serious_accessibility_violations(page)
    page.click(f"a[href='/owner/referrals/{sent.json()['id']}']")
    assert "想在快手广告里用20秒" in page.locator("#messages").inner_text()
    page.fill("#price-form input[name=fixed_fee]", "1500")
    page.click("#accept")
    page.wait_for_selector("#done")
    assert "¥1,500.00" in page.locator("#use").inner_text()
    _shots(page, "owner-referral")
    found["thread"] = serious_accessibility_violations(page)
    assert not any(found.values()), found
