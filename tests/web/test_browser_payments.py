"""In a real browser on what `clearinghouse demo` serves: a licence bought through the API waits
for its bank transfer (the licensee sees how to pay), and the operator reconciles it from a bank
statement on /operator/payments; axe-core on each page. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations

pytestmark = pytest.mark.slow
BRAND_KEY = {"Authorization": "Bearer chk_de0000000005_demo-licensee-brand"}  # docs/demo.md
BRAND = ("brand@demo.clearinghouse.example", "demo-brand-password")
OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _sign_in(page: Any, base: str, who: tuple[str, str]) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the viewport: small enough for docs


def _bought_unpaid(base: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=60) as api:
        recording = api.get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"}).json()
        quote = api.post("/api/v1/quotes", headers=BRAND_KEY, json={
            "work_ids": [recording["items"][0]["id"]], "purpose": "commercial",
            "channels": ["douyin"], "portion": {"unit": "seconds", "value": 15}})
        assert quote.status_code == 201, quote.text
        bought = api.post(f"/api/v1/quotes/{quote.json()['id']}/purchase",
                          headers=BRAND_KEY | {"Idempotency-Key": "browser-bank-transfer"},
                          json={"accept_partial": True})
        assert bought.status_code == 201, bought.text
    return bought.json()  # type: ignore[no-any-return]


def test_a_transfer_is_shown_to_the_licensee_and_reconciled_by_the_operator(
        desktop, demo_server, tmp_path):
    licence = _bought_unpaid(demo_server)
    payment, found = licence["payment"], {}
    licensee = desktop.new_page()
    _sign_in(licensee, demo_server, BRAND)
    licensee.goto(f"{demo_server}/licences/{licence['id']}")
    assert licensee.locator("#transfer-reference").inner_text() == payment["reference"]
    assert licensee.locator("#transfer-account").is_visible()
    _screenshot(licensee, "payments-1-waiting-for-transfer")
    found["licence"] = serious_accessibility_violations(licensee)

    operator = desktop.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page = operator.new_page()
        _sign_in(page, demo_server, OPERATOR)
        page.goto(f"{demo_server}/operator/payments")
        assert payment["reference"] in page.locator("#pending").inner_text()
        found["payments"] = serious_accessibility_violations(page)
        amount = Decimal(payment["amount"]["minor"]).scaleb(-2)  # CNY: two decimals
        statement = tmp_path / "statement.csv"
        statement.write_text("交易日期,金额,币种,摘要,付款人\n"
                             f"2026-11-02,{amount},CNY,许可费 {payment['reference']},晨光饮品\n"
                             "2026-11-02,88.00,CNY,房租,某公司\n", encoding="utf-8")
        page.set_input_files("#statement", str(statement))
        page.click("#check")
        page.wait_for_url("**/operator/payments/check")
        assert payment["reference"] in page.locator("#matched").inner_text()
        assert page.locator("#not-matched tr[data-result=unmatched]").count() == 1
        _screenshot(page, "payments-2-statement-checked")
        found["checked"] = serious_accessibility_violations(page)
        page.click("#confirm")
        page.wait_for_url("**/operator/payments/confirm")
        assert page.locator("#reconciliation").get_attribute("data-confirmed") == "yes"
        found["confirmed"] = serious_accessibility_violations(page)
    finally:
        operator.close()
    licensee.reload()
    assert "ok" in (licensee.locator("#status").get_attribute("class") or "")  # active now
    assert licensee.locator("#transfer").count() == 0
    assert not any(found.values()), found
