"""What bench/pages.py relies on, and what keeps a first visit small: pages say how long the
server took (Server-Timing); our CSS and htmx are sent compressed and cached, pages never
compressed (a form token beside echoed input would be open to BREACH)."""

from __future__ import annotations

import re


def test_a_page_says_how_long_the_server_took_and_the_api_does_not(browser_client):
    page = browser_client.get("/search", params={"q": "夏日"})
    assert page.status_code == 200
    assert re.fullmatch(r"app;dur=\d+\.\d", page.headers["server-timing"])
    assert "server-timing" not in browser_client.get("/healthz").headers


def test_static_files_are_compressed_and_cached_but_pages_are_not_compressed(browser_client):
    htmx = browser_client.get("/static/vendor/htmx.min.js", headers={"accept-encoding": "gzip"})
    assert htmx.status_code == 200 and htmx.headers["content-encoding"] == "gzip"
    assert "htmx" in htmx.text  # decoded by the client as a browser would
    assert htmx.num_bytes_downloaded < len(htmx.content) / 2
    assert "max-age=" in htmx.headers["cache-control"]
    css = browser_client.get("/static/app.css", headers={"accept-encoding": "gzip"})
    assert css.status_code == 200 and "max-age=" in css.headers["cache-control"]
    page = browser_client.get("/search", params={"q": "夏日"}, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in page.headers and page.headers["cache-control"] == "no-store"
