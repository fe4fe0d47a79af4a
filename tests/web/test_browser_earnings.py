"""In a real browser: an owner opens its earnings (chart, bars, a sent payout), June's statement
and a line's trail back to the usage; the paying licensee opens the same trail; the operator's
payouts page opens. axe-core finds no serious or critical violation on any of them.
Screenshots go to test-artifacts/web/ (docs/img/earnings.png is one of them).

The data is tests/royalties/rated.py's rated June and July, served by the real app on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.royalties.rated import JUNE, browser_of, line_of, rated_july, rated_june
from tests.support.server import serving
from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.support import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: the pages are the same on both databases (tests/web/test_earnings_pages.py)."""
    return sqlite_url


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the viewport: small enough for docs


def test_an_owner_reads_earnings_a_statement_and_a_trail_and_the_payer_sees_the_trail(
        client: Any, sessions: sessionmaker[Session], settings: Any, desktop: Any) -> None:
    scene = rated_june(client, sessions)
    rated_july(client, sessions, scene)
    m = scene.market
    assert client.post("/api/v1/payouts", headers=m.operator.headers,
                       params={"period": JUNE}).status_code == 200
    posted = client.get("/api/v1/payouts/posted", headers=m.writer.headers).json()["items"]
    assert client.post(f"/api/v1/payouts/{posted[0]['id']}/sent", headers=m.operator.headers,
                       json={"reference": "BOC-20260702-01", "sent_on": "2026-07-02"}
                       ).status_code == 200
    for actor, email in ((m.writer, "lilei@example.com"), (m.licensee, "yitiao@example.com"),
                         (m.operator, "operator@example.com")):
        browser_of(client, sessions, actor, email)
    writer_line = line_of(sessions, m.writer)

    found: dict[str, list[str]] = {}
    with serving(settings) as base:
        page = desktop.new_page()
        _sign_in(page, base, "lilei@example.com")
        page.click("header a[href='/owner/earnings']")
        page.wait_for_url("**/owner/earnings")
        assert page.locator("figure.chart img").count() == 4
        assert page.locator("figure.chart img").first.evaluate("img => img.naturalWidth") > 0
        totals = page.locator("#earnings-totals").inner_text()
        assert "¥449.98" in totals and "¥900.00" in totals
        assert "BOC-20260702-01" in page.locator("#payouts").inner_text()
        found["/owner/earnings"] = serious_accessibility_violations(page)
        _screenshot(page, "earnings")

        page.goto(f"{base}/owner/earnings?period={JUNE}")  # the bars of June
        assert "2026-06" in page.locator("figure.chart figcaption").nth(1).inner_text()
        page.click(f"#earnings-totals a[href='/statements/{JUNE}']")
        page.wait_for_url(f"**/statements/{JUNE}")
        assert page.locator("#statement-lines tbody tr").count() == 1
        found["/statements/{period}"] = serious_accessibility_violations(page)
        _screenshot(page, "statement")

        page.click(f"a[href='/statements/lines/{writer_line}']")
        page.wait_for_url(f"**/statements/lines/{writer_line}")
        assert page.locator("#trail-usage tbody tr").count() == 2
        assert "15001 × 3333 / 1000" in page.locator("#trail-factors").inner_text()
        found["/statements/lines/{id}"] = serious_accessibility_violations(page)
        _screenshot(page, "statement-trail")

        desktop.clear_cookies()
        _sign_in(page, base, "yitiao@example.com")
        page.goto(f"{base}/statements/lines/{writer_line}")
        assert page.locator("#trail-usage tbody tr").count() == 2  # the payer sees it too
        page.goto(f"{base}/statements")
        found["/statements"] = serious_accessibility_violations(page)

        desktop.clear_cookies()
        _sign_in(page, base, "operator@example.com")
        page.goto(f"{base}/operator")
        page.click("#console a[href='/operator/payouts']")
        page.wait_for_url("**/operator/payouts")
        found["/operator/payouts"] = serious_accessibility_violations(page)
        page.goto(f"{base}/operator/payouts?status=sent")
        assert "BOC-20260702-01" in page.locator("#payouts").inner_text()
    assert not any(found.values()), found
