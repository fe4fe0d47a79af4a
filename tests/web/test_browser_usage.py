"""In a real browser on what `clearinghouse demo` serves: a platform uploads a small usage CSV
from its console, watches it land and reads each rejected line with its reason; the operator's
unmatched report and the owner's unlicensed use open; axe-core finds no serious or critical
violation on any of these pages. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations

pytestmark = pytest.mark.slow
DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")
OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
REPORT = "\n".join([
    "platform_content_id,territory,channel,plays,revenue,currency",
    "v-1001,CN,douyin,1200,15.50,CNY",
    "v-1002,XX,douyin,30,,",  # no such territory
    "v-1003,CN,kuaishou,40,,",  # another platform's channel
    "v-1004,CN,douyin,-5,,",  # negative plays
]) + "\n"


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


def _last_month() -> str:
    today = datetime.now(UTC).date()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def test_a_platform_uploads_usage_and_reads_its_rejections_and_the_outcome_pages_open(
        desktop, demo_server, tmp_path: Path):
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    _sign_in(page, demo_server, DOUYIN)
    page.click("header a[href='/usage/reports']")
    page.wait_for_url("**/usage/reports")
    found["/usage/reports"] = serious_accessibility_violations(page)
    report = tmp_path / "douyin-usage.csv"
    report.write_text(REPORT, "utf-8")
    page.select_option("select[name=format]", "csv")
    page.fill("input[name=period]", _last_month())
    page.set_input_files("input[name=file]", str(report))
    page.click("#submit-report")
    page.wait_for_url("**/usage/reports/rep_*")
    page.wait_for_selector("#report-totals", timeout=60_000)  # htmx polls until it has landed
    rows = page.locator("#rejections tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == ["3", "4", "5"]
    assert "未知地域" in rows.nth(0).inner_text() and "不属于您报告的范围" in rows.nth(1).inner_text()
    assert "1,200" in page.locator("#report-totals").inner_text()
    found["/usage/reports/{id}"] = serious_accessibility_violations(page)
    _screenshot(page, "usage-report")
    page.click("a[href='/usage/reports']")
    page.wait_for_url("**/usage/reports")
    assert page.locator("#reports tbody tr").count() >= 1

    owner = desktop.new_page()
    desktop.clear_cookies()
    _sign_in(owner, demo_server, YITIAO)
    owner.click("header a[href='/owner/unlicensed']")
    owner.wait_for_url("**/owner/unlicensed")
    found["/owner/unlicensed"] = serious_accessibility_violations(owner)
    desktop.clear_cookies()
    _sign_in(owner, demo_server, OPERATOR)
    owner.goto(f"{demo_server}/operator")
    owner.click("#console a[href='/operator/unmatched']")
    owner.wait_for_url("**/operator/unmatched")
    found["/operator/unmatched"] = serious_accessibility_violations(owner)
    assert not any(found.values()), found
