"""In a real browser on what `clearinghouse demo` serves: 抖音 reports plays of an ISRC no work
has, the operator runs the period (API), the owner 一条视频 finds the item on "Unmatched usage —
claim yours", claims it as one of its works with evidence and sees it awaiting the operator; the
operator accepts it from the usage-claims queue. axe-core finds no serious or critical violation
on these pages. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.test_browser_usage import DOUYIN, OPERATOR, YITIAO, _last_month, _sign_in

pytestmark = pytest.mark.slow
OPERATOR_KEY = {"Authorization": "Bearer chk_de0000000001_demo-operator"}  # docs/demo.md
UNKNOWN_ISRC = "CNA019900077"


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the viewport: small enough for docs


def _report_unknown_isrc(page: Any, base: str, tmp_path: Path) -> None:
    _sign_in(page, base, DOUYIN)
    page.goto(f"{base}/usage/reports")
    report = tmp_path / "douyin-isrc.csv"
    report.write_text(f"isrc,territory,channel,plays\n{UNKNOWN_ISRC},CN,douyin,4321\n", "utf-8")
    page.select_option("select[name=format]", "csv")
    page.fill("input[name=period]", _last_month())
    page.set_input_files("input[name=file]", str(report))
    page.click("#submit-report")
    page.wait_for_selector("#report-totals", timeout=60_000)


def _run_period(page: Any, base: str) -> None:
    started = page.request.post(f"{base}/api/v1/royalties/periods/{_last_month()}/run",
                                headers=OPERATOR_KEY)
    assert started.status == 202, started.text()
    job_url = base + started.headers["location"]
    deadline = time.monotonic() + 180
    while (status := page.request.get(job_url, headers=OPERATOR_KEY).json()["status"]) not in (
            "succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == "succeeded"


def test_an_owner_claims_unmatched_usage_and_the_operator_accepts_it(
        desktop, demo_server, tmp_path: Path):
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    _report_unknown_isrc(page, demo_server, tmp_path)
    _run_period(page, demo_server)

    desktop.clear_cookies()
    _sign_in(page, demo_server, YITIAO)
    page.click("header a[href='/owner/usage-claims']")
    page.wait_for_url("**/owner/usage-claims")
    page.fill("input[name=q]", UNKNOWN_ISRC.lower())
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#unmatched-items")
    row = page.locator("#unmatched-items tbody tr")
    assert row.count() == 1 and "4,321" in row.inner_text()
    found["/owner/usage-claims"] = serious_accessibility_violations(page)
    _screenshot(page, "usage-claims-owner-zh")
    row.locator("a.claim-link").click()
    page.wait_for_url("**/owner/usage-claims/new?*")
    found["/owner/usage-claims/new"] = serious_accessibility_violations(page)
    page.fill("textarea[name=evidence]", "本公司厂牌为这段视频的配乐分配了此 ISRC，见登记回执。")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#claim-created")
    assert "等待运营方处理" in page.locator("#my-claims").inner_text()

    desktop.clear_cookies()
    _sign_in(page, demo_server, OPERATOR)
    page.goto(f"{demo_server}/operator")
    page.click("#console a[href='/operator/usage-claims']")
    page.wait_for_url("**/operator/usage-claims")
    claim = page.locator("#claims-queue li").filter(has_text=UNKNOWN_ISRC)
    assert claim.count() == 1
    found["/operator/usage-claims"] = serious_accessibility_violations(page)
    _screenshot(page, "usage-claims-queue-zh")
    claim.locator("input[name=decision][value=accept]").check()
    claim.locator("button[type=submit]").click()
    page.wait_for_selector("#decided")
    assert _last_month() in page.locator("#decided").inner_text()
    assert not any(found.values()), found
