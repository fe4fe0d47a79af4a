"""In a real browser on what `clearinghouse demo` serves: the owner 一条视频 opens one of its works,
goes to its reference media, uploads a recording and sees it listed as fingerprinted. axe-core
finds no serious or critical violation on the page, before and after. Screenshot in
test-artifacts/web/owner-references-zh.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.identification.media_files import music_excerpt
from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.test_browser_usage import YITIAO, _sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def test_an_owner_uploads_a_reference_on_the_work_page(desktop, demo_server, tmp_path: Path):  # noqa: ANN001
    song = tmp_path / "主题曲 theme.mp3"
    song.write_bytes(music_excerpt(0, 15))
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    _sign_in(page, demo_server, YITIAO)
    page.goto(f"{demo_server}/owner/works")
    page.locator("a[href^='/owner/works/wrk_']").first.click()
    page.click("#references")
    page.wait_for_url("**/references")
    found["empty"] = serious_accessibility_violations(page)
    page.set_input_files("#reference-file", str(song))
    # The first file starts the decoding worker (a fresh interpreter): allow it time.
    with page.expect_navigation(timeout=180_000):
        page.click("#add-reference")
    page.wait_for_selector("#added")
    row = page.locator("#references tbody tr").first
    assert "主题曲 theme.mp3" in row.inner_text() and "音频" in row.inner_text()
    found["listed"] = serious_accessibility_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "owner-references-zh.png"))
    assert found == {"empty": [], "listed": []}
