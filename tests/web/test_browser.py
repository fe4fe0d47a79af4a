"""In a real browser (Debian's chromium) on what `clearinghouse demo` serves: the headline flow
of a licensee, as the same test on a desktop with a mouse, by keyboard only, on a phone, in 中文
and in English; then sign-in abuse. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.licensing.media_samples import wav
from tests.web.browser import ScriptedPerson, serious_accessibility_violations
from tests.web.support import PASSWORD

pytestmark = pytest.mark.slow
OPERATOR = {"Authorization": "Bearer chk_de0000000001_demo-operator"}
BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}
SONG = "夏日的风"
VARIANTS = {
    "desktop-zh": {"locale": "zh-CN", "viewport": {"width": 1280, "height": 800}},
    "keyboard-en": {"locale": "en-US", "viewport": {"width": 1280, "height": 800}, "keyboard": True},
    "phone-zh": {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "is_mobile": True,
                 "has_touch": True},
    "phone-en": {"locale": "en-US", "viewport": {"width": 390, "height": 844}, "is_mobile": True,
                 "has_touch": True},
}


@pytest.fixture(scope="session")
def demo_with_files(demo_server: str) -> str:
    """The song's recordings with a file each (the demo has none), uploaded as an owner would."""
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        found = api.get("/api/v1/works", params={"q": SONG, "type": "sound_recording"}).json()
        for item in found["items"]:
            put = api.put(f"/api/v1/works/{item['id']}/file", headers=OPERATOR,
                          files={"file": ("summer-wind.wav", wav(1.0), "audio/wav")})
            assert put.status_code == 200, put.text
    return demo_server


def _context(chromium: Any, variant: dict[str, Any]) -> Any:
    options = {k: v for k, v in variant.items() if k != "keyboard"}
    return chromium.new_context(accept_downloads=True, **options)


@pytest.fixture
def browser_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = _context(chromium, VARIANTS.get(getattr(request, "param", "desktop-zh"), {}))
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_creator_clears_a_song_for_a_15_second_douyin_video_in_under_a_minute(
        chromium, demo_with_files, variant):
    settings = VARIANTS[variant]
    context = _context(chromium, settings)
    page = context.new_page()
    person = ScriptedPerson(page, keyboard=bool(settings.get("keyboard")))
    shots = f"{variant}"
    try:
        started = time.monotonic()
        page.goto(f"{demo_with_files}/")
        person.fill(page.locator("#q"), "夏日")  # a few characters of the Chinese title
        hit = page.locator("#hits a", has_text=SONG).first
        hit.wait_for()
        person.screenshot(f"{shots}-1-search")
        person.click(hit)
        page.wait_for_url("**/works/**")
        assert page.locator("table").first.is_visible()  # who holds what
        before = page.locator("#total").inner_text()
        with page.expect_response(lambda r: "/quote-preview" in r.url and r.ok):
            person.fill(page.locator("input[name=seconds]"), "15")  # the price follows the typing
        assert re.search(r"\d", page.locator("#total").inner_text()) and before
        person.screenshot(f"{shots}-2-work-and-price")
        person.click(page.locator("#to-checkout"))
        page.wait_for_url("**/checkout?**")
        assert page.locator("tfoot").is_visible()  # rights, the service fee and the total
        person.screenshot(f"{shots}-3-checkout")
        person.fill(page.locator("input[name=email]"), f"{variant}@example.com")
        person.fill(page.locator("input[name=password]"), PASSWORD)
        person.click(page.locator("#buy"))
        page.wait_for_url("**/licences/**")
        assert "ok" in (page.locator("#status").get_attribute("class") or "")  # active: demo paid
        assert page.locator("#demo-note").is_visible()
        person.screenshot(f"{shots}-4-licence")
        with page.expect_download() as certificate:
            person.click(page.locator("#certificate"))
        assert certificate.value.path().read_bytes()[:5] == b"%PDF-"
        with page.expect_download() as licensed_file:
            person.click(page.locator("#file"))
        assert licensed_file.value.path().stat().st_size > 0
        elapsed = time.monotonic() - started
    finally:
        context.close()
    print(f"{variant}: {person.interactions} interactions, {elapsed:.1f} s: {person.steps}")
    assert person.interactions < 10, person.steps
    assert elapsed < 60


def _sign_up_over_http(base: str, email: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/sign-up")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        done = client.post("/sign-up", data={"csrf_token": token, "kind": "brand", "email": email,
                                             "password": PASSWORD})
        assert done.status_code == 303, done.text[-500:]


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_wrong_passwords_lock_sign_in_and_the_page_says_so(browser_page, demo_server):
    _sign_up_over_http(demo_server, "locked@example.com")
    for _ in range(5):
        _sign_in(browser_page, demo_server, "locked@example.com", "wrong password!")
        assert browser_page.locator("#form-error").is_visible()
    _sign_in(browser_page, demo_server, "locked@example.com", PASSWORD)
    assert "/sign-in" in browser_page.url
    assert browser_page.locator("#form-error").inner_text() == "登录失败次数过多，请几分钟后再试。"
    ScriptedPerson(browser_page).screenshot("sign-in-locked")


def test_a_form_sent_without_its_token_is_refused(browser_page, demo_server):
    browser_page.goto(f"{demo_server}/sign-up")
    browser_page.locator("input[name=csrf_token]").evaluate("node => node.remove()")
    browser_page.fill("input[name=email]", "forged@example.com")
    browser_page.fill("input[name=password]", PASSWORD)
    browser_page.click("button[type=submit]")
    assert browser_page.locator("h1").inner_text() == "无权访问"
    browser_page.goto(f"{demo_server}/account")
    assert "/sign-in" in browser_page.url  # nobody was signed up


def test_another_partys_licence_is_refused_by_url(browser_page, demo_server):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        recording = api.get("/api/v1/works", params={"q": "夏日的梦", "type": "sound_recording"}).json()
        quote = api.post("/api/v1/quotes", headers=BRAND, json={
            "work_ids": [recording["items"][0]["id"]], "purpose": "commercial",
            "channels": ["douyin"], "portion": {"unit": "seconds", "value": 15}})
        assert quote.status_code == 201, quote.text
        bought = api.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                          headers=BRAND | {"Idempotency-Key": "browser-other-party"},
                          json={"accept_partial": True})
        assert bought.status_code == 201, bought.text
    _sign_in(browser_page, demo_server, "creator@demo.clearinghouse.example", "demo-creator-password")
    browser_page.wait_for_url("**/search")
    answer = browser_page.goto(f"{demo_server}/licences/{bought.json()['id']}")
    assert answer.status == 403
    assert browser_page.locator("h1").inner_text() == "无权访问"


@pytest.mark.parametrize("browser_page", ["desktop-zh", "phone-en"], indirect=True)
def test_the_licensees_pages_have_no_serious_accessibility_violation(browser_page, demo_server):
    """axe-core (from npm) on every page of the headline flow, signed out and signed in."""
    page, found = browser_page, {}
    for path in ("/", "/search?q=夏日", "/sign-in", "/sign-up"):
        page.goto(f"{demo_server}{path}")
        found[path] = serious_accessibility_violations(page)
    page.goto(f"{demo_server}/search?q=夏日")
    page.locator("#hits a").first.click()
    page.wait_for_url("**/works/**")
    found["work"] = serious_accessibility_violations(page)
    page.click("#to-checkout")
    page.wait_for_url("**/checkout?**")
    found["checkout"] = serious_accessibility_violations(page)
    page.fill("input[name=email]", f"axe-{page.viewport_size['width']}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("#buy")
    page.wait_for_url("**/licences/**")
    found["licence"] = serious_accessibility_violations(page)
    for path in ("/licences", "/account"):
        page.goto(f"{demo_server}{path}")
        found[path] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_the_qr_link_of_a_bought_licence_shows_its_verdict_and_verify_is_accessible(
        browser_page, demo_server):
    """Anyone who scans a certificate's QR code (no sign-in) reads the verdict and the terms."""
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        recording = api.get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"}).json()
        quote = api.post("/api/v1/quotes", headers=BRAND, json={
            "work_ids": [recording["items"][0]["id"]], "purpose": "commercial",
            "channels": ["douyin"], "portion": {"unit": "seconds", "value": 15}})
        assert quote.status_code == 201, quote.text
        bought = api.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                          headers=BRAND | {"Idempotency-Key": "browser-verify-qr"},
                          json={"accept_partial": True})
        assert bought.status_code == 201, bought.text
        paid = api.post(f"/api/v1/payments/{bought.json()['payment']['id']}/mark-paid",
                        headers=OPERATOR, json={"reference": "browser-verify-qr"})
        assert paid.status_code == 200, paid.text
        certificate = api.get(f"/api/v1/licenses/{bought.json()['id']}/certificate", headers=BRAND)
    qr_link = certificate.json()["certificate"]["verify_url"]
    assert qr_link.startswith(demo_server)
    page = browser_page
    answer = page.goto(qr_link)
    assert answer.status == 200
    assert page.locator("#verdict").get_attribute("data-result") == "valid"
    assert page.locator("#verdict-heading").inner_text() == "真实，且在该日期有效"
    assert "被许可方" in page.locator("#verdict").inner_text()
    ScriptedPerson(page).screenshot("verify-qr-link")
    found = {"qr link": serious_accessibility_violations(page)}
    page.goto(f"{demo_server}/verify")
    found["/verify"] = serious_accessibility_violations(page)


def test_a_demo_owner_signs_in_and_sees_its_works_with_no_serious_accessibility_violation(
        browser_page, demo_server):
    page, found = browser_page, {}
    _sign_in(page, demo_server, "yitiao@demo.clearinghouse.example", "demo-yitiao-password")
    page.wait_for_url("**/search")
    page.click("header a[href='/owner/works']")
    page.wait_for_url("**/owner/works")
    assert page.locator("h1").inner_text() == "我的作品"
    assert page.locator("#works li.work").count() == 20
    assert "一条视频" in page.locator("#works").inner_text()
    ScriptedPerson(page).screenshot("owner-works")
    found["works"] = serious_accessibility_violations(page)
    page.locator("#works h2 a").first.click()
    page.wait_for_url("**/owner/works/wrk_**")
    found["work"] = serious_accessibility_violations(page)
    for path in ("/owner/works/new", "/owner/sales"):
        page.goto(f"{demo_server}{path}")
        found[path] = serious_accessibility_violations(page)
    assert not any(found.values()), found
