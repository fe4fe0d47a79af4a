"""The browser side of the web tests: Debian's chromium driven by Playwright, the demo served by
`clearinghouse demo` once per test session, and a scripted person who counts what she does."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import ServerProcess, clearinghouse_env, free_port

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm ci (package.json devDependencies)
STARTUP_SECONDS = 300  # the demo loads first


HTMX = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"


def need_chromium() -> None:
    """Chromium, and the npm packages the pages and the tests load (without htmx the live search
    and price never update, and a test would only time out)."""
    missing = []
    if not CHROMIUM.exists():
        missing.append("/usr/bin/chromium (apt-get install chromium fonts-noto-cjk)")
    if not (HTMX.exists() and AXE.exists()):
        missing.append("htmx and axe-core (npm ci, as `make install` runs)")
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests; missing: {'; '.join(missing)} (.ci/run installs them)")
    pytest.skip(f"browser tests need {'; '.join(missing)}")


class DemoServer(ServerProcess):
    """`clearinghouse demo --port`: loads the demo, then serves it (payments settle at once)."""

    def __init__(self, data_dir: Path) -> None:
        port = free_port()
        super().__init__(clearinghouse_env(data_dir, port), port, data_dir.parent / "demo-server.log",
                         command="demo", startup_seconds=STARTUP_SECONDS)
        self.start()


@dataclass
class ScriptedPerson:
    """Does what a person does on a page and counts it: clicks, fills, and keys that submit.
    Tab presses (moving between controls) are not counted; `keyboard` makes every step a key."""

    page: Any
    keyboard: bool = False
    interactions: int = 0
    steps: list[str] = field(default_factory=list)

    def _count(self, what: str) -> None:
        self.interactions += 1
        self.steps.append(what)

    def fill(self, locator: Any, text: str) -> None:
        if self.keyboard:
            locator.focus()
            self.page.keyboard.press("Control+A")  # typing over what is there, as a person does
            self.page.keyboard.type(text)
        else:
            locator.fill(text)
        self._count(f"fill {text}")

    def click(self, locator: Any) -> None:
        if self.keyboard:
            locator.focus()  # stands for the Tab presses that reach it
            self.page.keyboard.press("Enter")
        else:
            locator.click()
        self._count("click")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A and AA)."""
    # Evaluated through the devtools protocol: the page's CSP (no inline script) still holds for it.
    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    assert result["passes"], "axe-core checked nothing"
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
