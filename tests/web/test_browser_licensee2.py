"""In a real browser on what `clearinghouse demo` serves: the licensee's search filters and
previews, the licensee's referral thread, and the platform console; axe-core finds no serious or
critical violation on any of their pages. Screenshots go to test-artifacts/web/ (the docs' images
in docs/img/ are these, viewport-sized)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.licensing.media_samples import jpeg, mp4
from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.support import PASSWORD

pytestmark = pytest.mark.slow
OPERATOR = {"Authorization": "Bearer chk_de0000000001_demo-operator"}  # docs/demo.md
YITIAO = {"Authorization": "Bearer chk_de0000000002_demo-owner-yitiao"}
BRAND = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}
DESKTOP = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


def _shot(page: Any, name: str) -> None:
    """Viewport-sized: small enough for the docs."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _first(api: httpx.Client, **params: Any) -> dict[str, Any]:
    return dict(api.get("/api/v1/works", params=params | {"limit": 1}).json()["items"][0])


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/search")


def test_search_filters_and_previews(page, demo_server):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        photo = _first(api, owner="一条视频", type="photograph")
        video = _first(api, owner="一条视频", type="short_video")
        for work, data in ((photo, jpeg(1200)), (video, mp4(frames=50, size=480))):
            put = api.put(f"/api/v1/works/{work['id']}/file", headers=YITIAO,
                          files={"file": ("sample", data, "application/octet-stream")})
            assert put.status_code == 200, put.text
    page.goto(f"{demo_server}/search?q={photo['title']}")
    thumb = page.locator(f"img.preview[src='/works/{photo['id']}/preview']")
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert thumb.evaluate("img => Math.max(img.naturalWidth, img.naturalHeight)") <= 320
    page.goto(f"{demo_server}/search?q={video['title']}")
    clip = page.locator(f"video.preview[src='/works/{video['id']}/preview']")
    assert clip.count() == 1
    found = {"previews": serious_accessibility_violations(page)}

    # the filters follow what is chosen (htmx), and list only what can be licensed, with a price
    page.goto(f"{demo_server}/search?q=夏日")
    page.locator("details.filters summary").click()
    page.select_option("#kind", "sound_recording")
    page.select_option("#channel", "douyin")
    page.fill("#seconds", "15")
    page.locator(".from-price").first.wait_for()
    assert "channel=douyin" in page.url and "kind=sound_recording" in page.url
    assert page.locator("#hits li").count() == page.locator(".from-price").count() > 0
    found["filters"] = serious_accessibility_violations(page)
    _shot(page, "licensee-search-filters")
    assert not any(found.values()), found


def test_a_licensee_asks_a_holder_and_follows_the_referral(page, demo_server):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        video = _first(api, owner="一条视频", type="short_video", q="")
        email = "referral-browser@example.com"
        signup = api.get("/sign-up")
        token = signup.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert api.post("/sign-up", data={"csrf_token": token, "kind": "creator", "email": email,
                                          "password": PASSWORD}).status_code == 303
    _sign_in(page, demo_server, email, PASSWORD)
    page.goto(f"{demo_server}/checkout?work_id={video['id']}&channel=douyin&seconds=15&edited=1")
    ask = page.locator("form.ask").first
    ask.locator("textarea").fill("我们想剪辑15秒用在抖音上，可以吗？")
    ask.locator("button").click()
    page.wait_for_url("**/referrals/ref_**")
    referral_id = page.url.rsplit("/", 1)[-1]
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        version = api.get(f"/api/v1/referrals/{referral_id}", headers=YITIAO).json()["version"]
        countered = api.post(f"/api/v1/referrals/{referral_id}/counter", headers=YITIAO, json={
            "price": {"currency": "CNY", "fixed_fee_minor": 50000}, "message": "500元可以",
            "version": version})
        assert countered.status_code == 200, countered.text
    page.reload()
    assert "500元可以" in page.locator(".thread").inner_text()
    _shot(page, "licensee-referral")
    page.fill("textarea[name=body]", "好的，我们接受。")
    page.click("form[action$='/messages'] button")
    page.wait_for_url("**#messages")
    found = {"thread": serious_accessibility_violations(page)}
    page.click("#accept")
    page.locator("#buy").wait_for()
    page.click("#buy")
    page.wait_for_url("**/licences/**")
    page.goto(f"{demo_server}/referrals")
    found["list"] = serious_accessibility_violations(page)
    assert not any(found.values()), found


def test_the_platform_checks_an_upload_and_sees_its_creators_licences(page, demo_server):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        recording = _first(api, q="夏日的梦", type="sound_recording")
        quote = api.post("/api/v1/quotes", headers=BRAND, json={
            "work_ids": [recording["id"]], "purpose": "commercial", "channels": ["douyin"],
            "portion": {"unit": "seconds", "value": 15}})
        assert quote.status_code == 201, quote.text
        bought = api.post(f"/api/v1/quotes/{quote.json()['id']}/purchase", json={"accept_partial": True},
                          headers=BRAND | {"Idempotency-Key": "browser-platform-console"})
        assert bought.status_code in (200, 201), bought.text
        if bought.json()["payment"] and bought.json()["payment"]["status"] == "pending":
            api.post(f"/api/v1/payments/{bought.json()['payment']['id']}/mark-paid", headers=OPERATOR,
                     json={"reference": "browser-platform-console"})
        brand_id = api.get("/api/v1/me", headers=BRAND).json()["id"]
    _sign_in(page, demo_server, "douyin@demo.clearinghouse.example", "demo-douyin-password")
    page.click("header a[href='/platform']")
    page.wait_for_url("**/platform")
    page.fill("input[name=work]", recording["id"])
    page.fill("input[name=uploader]", brand_id)
    page.click("#check")
    page.locator("#verdict").wait_for()
    assert page.locator("#verdict").get_attribute("class") == "ok"
    assert bought.json()["id"] in page.locator("#answer").inner_text()
    found = {"check": serious_accessibility_violations(page)}
    _shot(page, "platform-check")
    page.goto(f"{demo_server}/platform/licences")
    assert bought.json()["id"] in page.locator("table").inner_text()
    found["licences"] = serious_accessibility_violations(page)
    _shot(page, "platform-licences")
    assert not any(found.values()), found
