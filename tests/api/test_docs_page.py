"""The API explorer works offline: every asset it loads is served by the app itself."""

from __future__ import annotations

import re


def test_docs_page_uses_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    urls += re.findall(r"""url:\\s*['"]([^'"]+)['"]""", page.text)
    assert urls, page.text
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "/openapi.json" in page.text
