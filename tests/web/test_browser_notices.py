"""In a real browser on what `clearinghouse demo` serves: 抖音 registers a webhook endpoint
(its secret shown once); a notice about a 一条视频 work is issued to 抖音 and `webhooks deliver`
(the real CLI) cannot reach the endpoint, so with one attempt allowed it becomes a dead letter,
which 抖音 sees and redelivers; it reads the notice. axe-core finds no serious or critical
violation. The screenshot goes to test-artifacts/web/ (and docs/img/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clearinghouse.core.db import make_engine, session_factory, unit_of_work
from clearinghouse.enforcement.notices import MatchedRange, NoticeFacts
from clearinghouse.enforcement.notices import service as notices
from clearinghouse.registry.tables import Party, Work
from tests.support.server import clearinghouse_env, run_cli
from tests.web.browser import ARTIFACTS, serious_accessibility_violations

pytestmark = pytest.mark.slow
DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")  # docs/demo.md


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def _demo_data_dir(factory: pytest.TempPathFactory) -> Path:
    """The data folder the session's demo server serves from (conftest's `demo_server`)."""
    [found] = list(factory.getbasetemp().glob("web-demo[0-9]*/data"))
    return found


def _issue_notice(data_dir: Path) -> str:
    engine = make_engine(f"sqlite:///{(data_dir / 'clearinghouse.sqlite3').resolve()}")
    try:
        with unit_of_work(session_factory(engine)) as db:
            owner = db.scalars(select(Party).where(Party.name == "一条视频")).one()
            platform = db.scalars(select(Party).where(Party.name == "抖音")).one()
            work = db.scalars(select(Work).where(Work.registrant_id == owner.id).limit(1)).one()
            facts = NoticeFacts(
                work_title=work.title, owner_name=owner.name, upload_ref="dy-7731",
                platform_name="抖音", ranges=(MatchedRange(12, 17, 61, 66),), score=0.94,
                false_match_rate=1e-4, policy="offer", issued_at=datetime.now(UTC),
                work_id=work.id, quote_id="qt_demo", price_minor=9900, currency="CNY",
                deadline=date.today())
            return notices.issue(db, facts, platform.id, datetime.now(UTC)).id
    finally:
        engine.dispose()


def test_platform_registers_an_endpoint_and_sees_a_dead_letter(
        desktop, demo_server, tmp_path_factory) -> None:  # noqa: ANN001
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    page.goto(f"{demo_server}/sign-in")
    page.fill("input[name=email]", DOUYIN[0])
    page.fill("input[name=password]", DOUYIN[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"{demo_server}/platform/webhooks")
    # A name that never resolves (RFC 6761 .invalid): public as far as the checks go, and never
    # answering, so the one attempt allowed fails. (A loopback address is refused outright.)
    page.fill("input[name=url]", "https://notices.invalid/hooks")
    page.click("form[action='/platform/webhooks'] button[type=submit]")
    page.wait_for_load_state()
    assert "whsec_" in page.locator("#new-secret").inner_text()
    found["/platform/webhooks (registered)"] = serious_accessibility_violations(page)

    data_dir = _demo_data_dir(tmp_path_factory)
    notice_id = _issue_notice(data_dir)
    env = clearinghouse_env(data_dir, 0) | {"CLEARINGHOUSE_WEBHOOK_MAX_ATTEMPTS": "1"}
    sent = run_cli(env, "webhooks", "deliver", "--json")
    assert sent.returncode == 0 and '"dead": 1' in sent.stdout, sent.stdout + sent.stderr

    page.goto(f"{demo_server}/platform/webhooks")
    assert page.locator("#dead-letters tbody tr").count() >= 1
    found["/platform/webhooks (dead letter)"] = serious_accessibility_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "platform-webhooks-zh.png"))
    page.locator("#dead-letters button").first.click()
    page.wait_for_load_state()
    assert page.locator("#dead-letters").count() == 0

    page.goto(f"{demo_server}/platform/notices")
    page.click(f"a[href='/notices/{notice_id}']")
    page.wait_for_url(f"**/notices/{notice_id}")
    assert "00:12–00:17" in page.locator("#notice-ranges").inner_text()
    found["/notices/{id}"] = serious_accessibility_violations(page)
    assert not any(found.values()), found
