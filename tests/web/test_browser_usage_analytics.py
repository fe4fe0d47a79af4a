"""In a real browser on what `clearinghouse demo` serves: 抖音 reports an event log (API), the
operator opens Analytics and reads 抖音's active users, penetration chart and audience, with the
suppression note; axe-core finds no serious or critical violation. Screenshot in
test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.test_browser_usage import OPERATOR, _last_month, _sign_in
from tests.web.test_usage_analytics_pages import DOUYIN_KEY

pytestmark = pytest.mark.slow


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _events(period: str) -> str:
    lines = ["device_id,event_time,event_type,watch_seconds,territory,channel,platform_content_id,age_band"]
    for i in range(120):
        band = "18-24" if i < 70 else "25-30"
        lines.append(f"web-{i:03d},{period}-06T09:00:00+00:00,launch,0,CN,douyin,,{band}")
        lines.append(f"web-{i:03d},{period}-06T09:03:00+00:00,play,60,CN,douyin,v9,{band}")
    return "\n".join(lines) + "\n"


def test_the_operator_reads_usage_analytics(desktop, demo_server):
    page = desktop.new_page()
    period = _last_month()
    sent = page.request.post(f"{demo_server}/api/v1/usage/reports?format=events&period={period}",
                             headers=DOUYIN_KEY | {"content-type": "text/csv"},
                             data=_events(period))
    assert sent.status in (200, 202), sent.text()
    _sign_in(page, demo_server, OPERATOR)
    page.click("header a[href='/analytics/usage']")
    page.wait_for_url("**/analytics/usage")
    page.fill("input[name=period]", period)
    page.select_option("select[name=attribute]", "age_band")
    for _ in range(60):  # the log lands as a job: reload until it has
        page.click("#usage-filters button[type=submit]")
        page.wait_for_load_state()
        if page.locator("#metrics").count():
            break
        page.wait_for_timeout(1000)
    row = page.locator("#metrics tbody tr", has_text="douyin")
    assert row.count() >= 1 and "120" in row.first.inner_text()
    assert page.locator("#demographics tbody tr", has_text="18-24").count() >= 1
    found = serious_accessibility_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "usage-analytics-zh.png"))
    assert found == [], found
