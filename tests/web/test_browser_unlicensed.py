"""In a real browser on what `clearinghouse demo` serves: 抖音 reports plays of one of 一条's works
(API), the operator runs the period (API), and 一条, in the browser, goes from its unlicensed use
to one use's evidence and offers 抖音 a licence for it; axe-core finds no serious or critical
violation on these pages. The screenshot goes to test-artifacts/web/ (and docs/img/)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations

pytestmark = pytest.mark.slow
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
DOUYIN_KEY = {"Authorization": "Bearer chk_de0000000006_demo-platform-douyin"}  # docs/demo.md
OPERATOR_KEY = {"Authorization": "Bearer chk_de0000000001_demo-operator"}


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _last_month() -> str:
    today = datetime.now(UTC).date()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def _until(check: Any, what: str, seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen in {seconds} s")


def _reported_and_run(base: str, work_id: str, period: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as api:
        sent = api.post("/api/v1/usage/reports", params={"format": "csv", "period": period},
                        content=f"work_id,territory,channel,plays\n{work_id},CN,douyin,1500\n",
                        headers=DOUYIN_KEY | {"content-type": "text/csv"})
        assert sent.status_code == 202, sent.text
        _until(lambda: api.get(f"/api/v1/usage/reports/{sent.json()['id']}",
                               headers=DOUYIN_KEY).json()["status"] == "landed", "landing")
        run = api.post(f"/api/v1/royalties/periods/{period}/run", headers=OPERATOR_KEY)
        assert run.status_code == 202, run.text
        job = _until(lambda: (j := api.get(f"/api/v1/jobs/{run.json()['id']}",
                                           headers=OPERATOR_KEY).json())["status"]
                     in ("succeeded", "failed") and j, "the run")
        assert job["status"] == "succeeded", job


def test_an_owner_turns_unlicensed_use_into_a_licence_offer(desktop, demo_server):  # noqa: ANN001
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    page.goto(f"{demo_server}/sign-in")
    page.fill("input[name=email]", YITIAO[0])
    page.fill("input[name=password]", YITIAO[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"{demo_server}/owner/works")
    work_id = page.locator("a[href^='/owner/works/wrk_']").first.get_attribute("href").rsplit("/", 1)[1]
    period = _last_month()
    _reported_and_run(demo_server, work_id, period)

    page.goto(f"{demo_server}/owner/unlicensed?period={period}")
    page.click("#to-actions")
    page.wait_for_url("**/owner/unlicensed/uses**")
    page.goto(f"{demo_server}/owner/unlicensed/uses?period={period}")
    found["/owner/unlicensed/uses"] = serious_accessibility_violations(page)
    page.locator(f"#uses a.act[href*='{work_id}']").first.click()
    page.wait_for_url("**/owner/unlicensed/use?**")
    assert "1,500" in page.locator("#evidence").inner_text()
    found["/owner/unlicensed/use"] = serious_accessibility_violations(page)
    page.fill("#offer-form input[name=price]", "300")
    page.click("#offer")
    page.wait_for_load_state()
    if "/owner/unlicensed/offers" in page.url:  # a routine offer covers it: its price applies
        page.go_back()
        page.fill("#offer-form input[name=price]", "")
        page.click("#offer")
    page.wait_for_url("**/owner/unlicensed/uses?**")
    assert page.locator("#my-actions .status-open").count() >= 1
    found["/owner/unlicensed/uses (offered)"] = serious_accessibility_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#actions").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "owner-unlicensed-offer.png"))
    assert not any(found.values()), found
