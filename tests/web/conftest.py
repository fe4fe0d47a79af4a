"""Web page tests: real HTTP through the app on a real database with the demo market."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def _settings(url: str, data_dir: Path):  # noqa: ANN202
    from clearinghouse.core.settings import Settings

    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data_dir, database_url=url, demo_settles_payments=True)


@pytest.fixture
def web_app(demo_db_url: str, tmp_path: Path):  # noqa: ANN201
    from clearinghouse.api.app import create_app

    return create_app(_settings(demo_db_url, tmp_path / "data"))


@pytest.fixture
def browser_client(web_app) -> Iterator[TestClient]:  # noqa: ANN001
    """A browser's view: cookies kept, no Accept-Language (so the default language)."""
    with TestClient(web_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def second_client(web_app, browser_client) -> Iterator[TestClient]:  # noqa: ANN001
    """Another browser on the same app (another person, or the same person's phone); the app is
    already started by `browser_client`."""
    yield TestClient(web_app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo as a newcomer serves it, once per test session, on a fresh data dir."""
    from tests.web.browser import DemoServer, need_chromium

    need_chromium()
    server = DemoServer(tmp_path_factory.mktemp("web-demo") / "data")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="package")
def chromium() -> Iterator[object]:
    """One browser for all the browser tests; each test gets its own context (cookies, viewport).
    Package scope, not session: Playwright's sync API keeps an event loop running in this thread
    while it is open, and later tests of other packages call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    from tests.web.browser import CHROMIUM, need_chromium

    need_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()
