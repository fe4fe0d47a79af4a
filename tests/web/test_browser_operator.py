"""In a real browser (Debian's chromium) on what `clearinghouse demo` serves: the operator's
console (approvals, parties and keys, conflicts, audit log, templates, fees and rates) and every
person's API keys page; axe-core finds no serious or critical violation on any of them.
Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web.browser import ARTIFACTS, serious_accessibility_violations
from tests.web.support import PASSWORD

pytestmark = pytest.mark.slow
OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")


@pytest.fixture
def operator_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/search")


def _owner_signs_up(base: str, email: str, name: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/sign-up/owner")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]
        done = client.post("/sign-up/owner", data={"csrf_token": token, "name": name, "email": email,
                                                   "password": PASSWORD})
        assert done.status_code == 303, done.text[-500:]


def _viewport_shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_the_operator_approves_an_owner_and_every_console_page_is_accessible(operator_page, demo_server):
    page, found = operator_page, {}
    _owner_signs_up(demo_server, "newlabel@example.com", "新浪潮唱片")
    _sign_in(page, demo_server, *OPERATOR)
    page.click("header a[href='/operator']")
    page.wait_for_url("**/operator")
    found["/operator"] = serious_accessibility_violations(page)
    page.click("#console a[href='/operator/owners']")
    page.wait_for_url("**/operator/owners")
    row = page.locator("#pending tr", has_text="新浪潮唱片")
    _viewport_shot(page, "operator-owners")
    found["/operator/owners"] = serious_accessibility_violations(page)
    row.locator("button", has_text="批准").click()
    page.wait_for_url("**/operator/owners?decided=approved")
    assert "新浪潮唱片" not in page.locator("main").inner_text()
    page.goto(f"{demo_server}/operator/parties?q=新浪潮")
    page.locator("#parties a", has_text="新浪潮唱片").click()
    page.wait_for_url("**/operator/parties/pty_**")
    assert page.locator("#roles").inner_text() == "owner"
    assert "newlabel@example.com" in page.locator("#accounts").inner_text()
    found["party"] = serious_accessibility_violations(page)
    for path in ("/operator/parties", "/operator/conflicts", "/operator/audit", "/operator/catalogue"):
        page.goto(f"{demo_server}{path}")
        found[path] = serious_accessibility_violations(page)
    assert page.locator("#license-templates li").count() > 0
    assert not any(found.values()), found


def test_a_person_creates_a_key_sees_its_secret_once_and_revokes_it(operator_page, demo_server):
    page = operator_page
    _sign_in(page, demo_server, "creator@demo.clearinghouse.example", "demo-creator-password")
    page.goto(f"{demo_server}/account")
    page.click("main a[href='/account/keys']")
    page.wait_for_url("**/account/keys")
    page.fill("input[name=name]", "剪辑软件")
    page.click("form[action='/account/keys'] button[type=submit]")
    secret = page.locator("#new-key code").inner_text()
    assert secret.startswith("chk_")
    _viewport_shot(page, "account-keys")
    violations = serious_accessibility_violations(page)
    with httpx.Client(base_url=demo_server, timeout=30) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        page.goto(f"{demo_server}/account/keys")
        assert secret not in page.content()  # shown once
        page.locator("#keys tr", has_text="剪辑软件").locator("button").click()
        page.wait_for_url("**/account/keys")
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    page.goto(f"{demo_server}/sign-up/owner")
    violations += serious_accessibility_violations(page)
    assert not violations, violations
