"""In a real browser on what `clearinghouse demo` serves: one of 一条's works is found in the demo
creator's upload on 抖音 (a claim, made as identification makes it); the creator disputes it in the
browser and 一条 answers (upholds it with a note), then sets its policy; axe-core finds no
serious or critical violation on these pages. The screenshot goes to test-artifacts/web/ (and docs/img/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.enforcement_support import demo_claim

pytestmark = pytest.mark.slow
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
CREATOR = ("creator@demo.clearinghouse.example", "demo-creator-password")


@pytest.fixture
def contexts(chromium: Any) -> Iterator[tuple[Any, Any]]:
    owner = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    uploader = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    yield owner, uploader
    owner.close()
    uploader.close()


def _signed_in(context: Any, base: str, who: tuple[str, str]) -> Any:
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def _demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the session's demo server loaded (tests/web/conftest.py: demo_server)."""
    [found] = tmp_path_factory.getbasetemp().glob("web-demo[0-9]*/data/clearinghouse.sqlite3")
    return f"sqlite:///{found}"


def test_the_uploader_disputes_a_claim_and_the_owner_answers(
        contexts, demo_server, tmp_path_factory):  # noqa: ANN001
    found: dict[str, list[str]] = {}
    owner_context, uploader_context = contexts
    owner = _signed_in(owner_context, demo_server, YITIAO)
    owner.goto(f"{demo_server}/owner/works")
    href = owner.locator("a[href^='/owner/works/wrk_']").first.get_attribute("href")
    claim_id = demo_claim(_demo_database(tmp_path_factory), href.rsplit("/", 1)[1],
                          upload_ref="7400000000000000777")

    uploader = _signed_in(uploader_context, demo_server, CREATOR)
    uploader.goto(f"{demo_server}/claims")
    found["/claims"] = serious_accessibility_violations(uploader)
    uploader.click(f"#claims a[href='/claims/{claim_id}']")
    uploader.wait_for_url(f"**/claims/{claim_id}")
    found["/claims/{id} (uploader)"] = serious_accessibility_violations(uploader)
    uploader.select_option("#dispute-form select[name=reason]", "fair_use")
    uploader.fill("#dispute-form textarea[name=evidence]", "A 12-second excerpt in a review.")
    uploader.click("#dispute-form button[type=submit]")
    uploader.wait_for_selector("#dispute-status")

    owner.goto(f"{demo_server}/claims/{claim_id}")
    assert "A 12-second excerpt in a review." in owner.locator("main").inner_text()
    found["/claims/{id} (owner)"] = serious_accessibility_violations(owner)
    owner.fill("#answer-form textarea[name=note]", "整段副歌，并非评论所需 / the whole chorus")
    owner.click("#answer-form button[value=uphold]")
    owner.wait_for_selector("#history")
    assert owner.locator("#answer-form").count() == 0
    found["/claims/{id} (answered)"] = serious_accessibility_violations(owner)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    owner.screenshot(path=str(ARTIFACTS / "enforcement-claim.png"))

    uploader.reload()
    assert "整段副歌" in uploader.locator("main").inner_text()
    owner.goto(f"{demo_server}/owner/enforcement")
    owner.select_option("#policy-form select[name=policy]", "offer")
    owner.click("#policy-form button[type=submit]")
    owner.wait_for_selector("#policies")
    found["/owner/enforcement"] = serious_accessibility_violations(owner)
    assert not any(found.values()), found
