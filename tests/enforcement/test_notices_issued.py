"""Issuing a notice: recorded, sent to the platform's webhook with its facts and links, and
readable as HTML or PDF by the owner, the platform and the operator only."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.enforcement.notices import MatchedRange, NoticeFacts, service
from clearinghouse.platforms.webhooks import deliverer
from clearinghouse.platforms.webhooks.secret_box import SecretBox
from tests.platforms.receiver import receiver
from tests.support.factories import make_actor, make_work, principal

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def facts(work_id: str) -> NoticeFacts:
    return NoticeFacts(
        work_title="月光 Moonlight", owner_name="星河音乐 Xinghe", upload_ref="dy-7731",
        platform_name="抖音 Douyin", ranges=(MatchedRange(3.0, 8.0, 61.0, 66.0),), score=0.91,
        false_match_rate=1e-4, policy="offer", issued_at=NOW, work_id=work_id, quote_id="qt_1",
        buy_url="https://ch.example/quotes/qt_1", price_minor=9900, currency="CNY",
        dispute_url="https://ch.example/disputes", deadline=date(2026, 12, 15))


def test_issued_notice_reaches_the_platform_and_only_the_parties_read_it(
        client, sessions, settings) -> None:
    owner = make_actor(sessions, "星河音乐", Role.OWNER)
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    stranger = make_actor(sessions, "B站", Role.PLATFORM)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    work_id = make_work(sessions, owner, title="月光 Moonlight")
    with receiver(200) as hook:
        made = client.post("/api/v1/platforms/me/webhooks", json={"url": hook.url},
                           headers=platform.headers)
        hook.secret = made.json()["secret"]
        with unit_of_work(sessions) as s:
            notice = service.issue(s, facts(work_id), platform.party_id, NOW,
                                   base_url="https://ch.example")
        assert notice.owner_party_id == owner.party_id and notice.delivery_id
        sent = deliverer.deliver_due(sessions, box=SecretBox.open(settings.keys_dir),
                                     max_attempts=8, timeout_seconds=5, clock=lambda: NOW,
                                     rng=random.Random(1))
        assert sent["delivered"] == 1
    [got] = hook.got
    assert got.signature_ok and got.delivery_id == notice.delivery_id
    data = got.body["data"]
    assert data["notice_id"] == notice.id and data["claim_id"] is None
    assert data["facts"]["work_title"] == "月光 Moonlight" and data["facts"]["price_minor"] == 9900
    assert data["links"]["pdf_en"] == f"https://ch.example/api/v1/notices/{notice.id}?format=pdf&lang=en"

    url = f"/api/v1/notices/{notice.id}"
    html = client.get(url, headers=owner.headers)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "版权侵权警告通知" in html.text and notice.id in html.text
    pdf = client.get(url, params={"format": "pdf", "lang": "en"}, headers=platform.headers)
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Notice of copyright infringement" in text and "00:03–00:08" in text
    assert client.get(url, headers=operator.headers).status_code == 200
    assert client.get(url, headers=stranger.headers).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(url, params={"lang": "fr"}, headers=owner.headers).status_code == 422
    assert [n["id"] for n in client.get("/api/v1/notices", headers=owner.headers).json()] == [notice.id]
    assert client.get("/api/v1/notices", headers=stranger.headers).json() == []


def test_without_endpoint_the_notice_is_still_on_record_and_only_platforms_get_notices(
        sessions) -> None:
    owner = make_actor(sessions, "Owner", Role.OWNER)
    platform = make_actor(sessions, "Platform", Role.PLATFORM)
    work_id = make_work(sessions, owner)
    with unit_of_work(sessions) as s:
        notice = service.issue(s, facts(work_id), platform.party_id, NOW)
        assert notice.delivery_id is None
        assert [n.id for n in service.list_notices(s, principal(s, platform))] == [notice.id]
        with pytest.raises(ValidationFailed):
            service.issue(s, facts(work_id), owner.party_id, NOW)
