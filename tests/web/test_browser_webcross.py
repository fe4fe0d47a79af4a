"""In a real browser on what `clearinghouse demo` serves: a Chinese visitor who states a use the
service refuses reads why in Chinese on an accessible error page (screenshot for docs/web.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations

pytestmark = pytest.mark.slow


def test_a_chinese_visitor_reads_a_refused_use_in_chinese_on_an_accessible_page(chromium: Any, demo_server: str):
    with httpx.Client(base_url=demo_server, timeout=60) as api:
        found = api.get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"}).json()
    work_id = found["items"][0]["id"]
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        answer = page.goto(f"{demo_server}/checkout?work_id={work_id}&seconds=0")
        assert answer is not None and answer.status == 422
        alert = page.get_by_role("alert")
        assert "使用时长必须是 1 到 36000 之间的整数秒" in alert.inner_text()
        assert alert.get_attribute("lang") == "zh-CN"
        assert serious_accessibility_violations(page) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "error-in-chinese.png"))  # viewport-sized, for the docs
    finally:
        context.close()
