"""In a real browser on what `clearinghouse demo` serves: the operator opens Deal flow from the
console, imports the 2017 report's deal table and reads the report's headline with its charts
and tables; axe-core finds no serious or critical violation. Screenshots go to
test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.analytics.test_deals import REPORT_DEALS
from tests.conftest import unavailable
from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.test_browser_usage import OPERATOR, _sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def test_the_operator_imports_the_report_s_deals_and_reads_its_headline(desktop, demo_server):
    if not REPORT_DEALS.exists():
        unavailable(f"the report's deal table is not beside the project ({REPORT_DEALS})")
    page = desktop.new_page()
    _sign_in(page, demo_server, OPERATOR)
    page.goto(f"{demo_server}/operator")
    page.click("a[href='/analytics/deals']")
    page.wait_for_url("**/analytics/deals")
    page.fill("input[name=label]", "2017Q3")
    page.set_input_files("input[name=file]", str(REPORT_DEALS))
    page.click("#import-submit")
    page.wait_for_selector("#headline")
    assert "投融资事件24起，估算吸金超8亿元" in page.inner_text("#headline")
    assert page.locator("#by-category tbody tr").count() == 3
    assert page.inner_text("#total-events-round") == "24"
    found = serious_accessibility_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deal-flow-zh.png"))
    assert found == [], found
