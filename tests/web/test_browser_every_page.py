"""Every page of the web app, found from the routers as the page bench finds them (a page added
tomorrow is checked without touching this file), opened in chromium as a demo person who may
see it: axe-core finds no serious or critical violation on any of them."""

from __future__ import annotations

from typing import Any

import pytest
from bench.pages import find_pages

from tests.web.browser import serious_accessibility_violations

pytestmark = pytest.mark.slow


def test_no_page_of_the_web_app_has_a_serious_accessibility_violation(chromium: Any, demo_server: str):
    people, viewers = find_pages(demo_server, with_file=False)
    contexts: dict[str, Any] = {}
    found: dict[str, list[str]] = {}
    checked = 0
    try:
        for viewer in viewers:
            if viewer.client is None:
                continue  # a page that needs an object the finder does not make (an import job…)
            answer = viewer.client.get(viewer.url)
            if "html" not in answer.headers.get("content-type", ""):
                continue  # a download: a PDF, a file, a preview
            if "<html" not in answer.text:
                continue  # a fragment htmx swaps into a page (the live price): checked in that page
            if viewer.who not in contexts:  # one browser context per person, with their session
                context = contexts[viewer.who] = chromium.new_context(locale="zh-CN")
                context.add_cookies([{"name": name, "value": value, "url": demo_server}
                                     for name, value in viewer.client.cookies.items()])
            page = contexts[viewer.who].new_page()
            page.goto(f"{demo_server}{viewer.url}")
            found[f"{viewer.url} as {viewer.who}"] = serious_accessibility_violations(page)
            page.close()
            checked += 1
    finally:
        for context in contexts.values():
            context.close()
        for _, client in people:
            client.close()
    assert checked >= 35, f"only {checked} pages were found and opened"
    assert not {page: problems for page, problems in found.items() if problems}
