"""Notice and webhook pages: 抖音 registers an endpoint (secret shown once), sees notices sent to
it and its dead letters and redelivers one; the owner sees notices sent on its behalf; nobody
else sees them. Real HTTP through the app on the demo market, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from clearinghouse.core.db import unit_of_work
from clearinghouse.enforcement.notices import MatchedRange, NoticeFacts
from clearinghouse.enforcement.notices import service as notices
from clearinghouse.platforms.webhooks import service as webhooks
from clearinghouse.registry.tables import Party, Work
from tests.web.support import form_token, sign_in

DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")  # docs/demo.md
KUAISHOU = ("kuaishou@demo.clearinghouse.example", "demo-kuaishou-password")
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script>月光'


def issue_notice(app) -> str:  # noqa: ANN001
    """A notice about a 一条视频 work in an upload on 抖音 (enforcement calls this on a claim)."""
    with unit_of_work(app.state.sessions) as db:
        owner = db.scalars(select(Party).where(Party.name == "一条视频")).one()
        platform = db.scalars(select(Party).where(Party.name == "抖音")).one()
        work = db.scalars(select(Work).where(Work.registrant_id == owner.id).limit(1)).one()
        facts = NoticeFacts(
            work_title=HOSTILE, owner_name=owner.name, upload_ref="dy-7731",
            platform_name="抖音", ranges=(MatchedRange(3, 8, 61, 66),), score=0.91,
            false_match_rate=1e-4, policy="offer", issued_at=NOW, work_id=work.id,
            quote_id="qt_1", buy_url="https://ch.example/q", price_minor=9900, currency="CNY",
            dispute_url="https://ch.example/d", deadline=date(2026, 12, 15))
        return notices.issue(db, facts, platform.id, NOW).id


def test_platform_registers_an_endpoint_and_redelivers_a_dead_letter(browser_client) -> None:
    assert sign_in(browser_client, *DOUYIN).status_code == 303
    settings = browser_client.get("/platform/webhooks")
    assert settings.status_code == 200 and 'id="endpoints"' not in settings.text
    token = form_token(settings)
    no_token = browser_client.post("/platform/webhooks", data={"url": "https://hooks.example/a"})
    assert no_token.status_code == 403
    bad = browser_client.post("/platform/webhooks", data={"url": "http://hooks.example/a",
                                                          "csrf_token": token})
    assert bad.status_code == 422 and 'id="form-error"' in bad.text
    made = browser_client.post("/platform/webhooks", data={"url": "https://hooks.example/a",
                                                           "csrf_token": token})
    assert made.status_code == 200 and 'id="new-secret"' in made.text and "whsec_" in made.text
    again = browser_client.get("/platform/webhooks")
    assert "https://hooks.example/a" in again.text and "whsec_" not in again.text

    notice_id = issue_notice(browser_client.app)
    with unit_of_work(browser_client.app.state.sessions) as db:
        [(delivery, _)] = webhooks.deliveries(db, webhooks_operator(db))
        delivery.status = "dead"  # as after its last failed attempt
        delivery.last_error = "HTTP 503"
    listed = browser_client.get("/platform/webhooks")
    assert f"/deliveries/{delivery.id}/redeliver" in listed.text and "HTTP 503" in listed.text
    redo = browser_client.post(f"/platform/webhooks/deliveries/{delivery.id}/redeliver",
                               data={"csrf_token": token}, follow_redirects=False)
    assert redo.status_code == 303
    assert f"/deliveries/{delivery.id}/redeliver" not in browser_client.get("/platform/webhooks").text

    sent = browser_client.get("/platform/notices")
    assert f"/notices/{notice_id}" in sent.text
    assert "<script>alert" not in sent.text and "&lt;script&gt;" in sent.text
    one = browser_client.get(f"/notices/{notice_id}")
    assert one.status_code == 200 and "00:03–00:08" in one.text and "dy-7731" in one.text
    pdf = browser_client.get(f"/notices/{notice_id}/notice.pdf", params={"lang": "en"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def webhooks_operator(db):  # noqa: ANN001, ANN201
    from clearinghouse.registry.parties_service import principal_for
    from clearinghouse.registry.repository import first_operator_party

    party = first_operator_party(db)
    assert party is not None
    return principal_for(db, party)


def test_owner_sees_its_notices_and_others_are_refused(browser_client, second_client) -> None:
    notice_id = issue_notice(browser_client.app)
    assert sign_in(browser_client, *YITIAO).status_code == 303
    mine = browser_client.get("/owner/notices")
    assert mine.status_code == 200 and f"/notices/{notice_id}" in mine.text
    assert browser_client.get(f"/notices/{notice_id}").status_code == 200
    assert browser_client.get("/platform/webhooks").status_code == 403  # not a platform

    assert sign_in(second_client, *KUAISHOU).status_code == 303
    assert second_client.get(f"/notices/{notice_id}").status_code == 404  # another platform
    assert f"/notices/{notice_id}" not in second_client.get("/platform/notices").text
    assert second_client.get(f"/notices/{notice_id}/notice.pdf").status_code == 404
    assert second_client.get("/owner/notices").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(browser_client) -> None:
    for path in ("/platform/webhooks", "/platform/notices", "/owner/notices"):
        answer = browser_client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in?next=")
