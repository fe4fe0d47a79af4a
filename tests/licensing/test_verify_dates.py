"""Verification answers for a day: today by default, `?at=` for another (the day of an upload).

Regression (issue 11, defect 3): a paid license that starts next year verified as "a genuine
certificate of an active license" today. And every answer shows the signed terms in words.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.licenses.tables import License, LicenseEvent
from tests.licensing.purchase_support import (
    bought_and_paid,
    buy,
    make_market,
    make_quote,
    use_of,
)

VERIFY = "/api/v1/certificates/verify"


def _certificate(client, m, lic) -> dict:  # noqa: ANN001
    r = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=m.licensee.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _verify(client, doc, at: date | None = None) -> dict:  # noqa: ANN001
    r = client.post(
        VERIFY + (f"?at={at.isoformat()}" if at else ""),
        content=json.dumps(doc, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _page(client, lic, at: date | None = None) -> dict:  # noqa: ANN001
    r = client.get(f"/verify/{lic['id']}" + (f"?at={at.isoformat()}" if at else ""))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_paid_license_that_starts_next_year_is_not_yet_valid_today(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    start = date.today() + timedelta(days=365)
    lic = bought_and_paid(client, sessions, m, start=start.isoformat(), term_days=30)
    assert lic["status"] == "active"
    doc = _certificate(client, m, lic)
    end = date.fromisoformat(lic["valid_to"])  # the first day after the period

    today = _verify(client, doc)
    assert (today["result"], today["valid"]) == ("not_yet_valid", False)
    assert today["at"] == date.today().isoformat() and today["status"] == "active"
    assert start.isoformat() in today["message"] and start.isoformat() in today["message_zh"]
    assert _page(client, lic)["result"] == "not_yet_valid"

    for day, expected in [
        (start - timedelta(days=1), "not_yet_valid"),
        (start, "valid"),
        (end - timedelta(days=1), "valid"),  # the last day still counts
        (end, "expired"),
    ]:
        answer = _verify(client, doc, day)
        assert (answer["result"], answer["at"]) == (expected, day.isoformat()), day
        assert answer["valid"] is (expected == "valid")
        assert _page(client, lic, day)["result"] == expected


def test_an_unpaid_license_is_pending_payment_on_any_day(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    lic = buy(client, m.licensee, quote).json()
    doc = _certificate(client, m, lic)
    for day in (None, date.today() + timedelta(days=10)):
        answer = _verify(client, doc, day)
        assert (answer["result"], answer["valid"]) == ("pending_payment", False)
        assert "not paid" in answer["message"] and "未付款" in answer["message_zh"]


def _bought_days_ago(sessions, license_id: str, days: int) -> None:  # noqa: ANN001
    """As if bought and paid `days` ago: the period and every recorded change move back."""
    shift = timedelta(days=days)
    with unit_of_work(sessions) as s:
        lic = s.get(License, license_id)
        assert lic is not None
        lic.valid_from -= shift
        lic.valid_to = None if lic.valid_to is None else lic.valid_to - shift
        for event in s.scalars(select(LicenseEvent).where(LicenseEvent.license_id == license_id)):
            event.at -= shift


def test_an_upload_day_before_a_suspension_or_revocation(client, sessions) -> None:  # noqa: ANN001
    """A platform checks the day of an upload: a later suspension does not reach back, a
    revocation withdraws the license for every day."""
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    _bought_days_ago(sessions, lic["id"], 30)
    doc = _certificate(client, m, lic)
    upload_day = date.today() - timedelta(days=10)
    version = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.licensee.headers).json()[
        "version"
    ]
    suspended = client.post(
        f"/api/v1/licenses/{lic['id']}/suspend",
        json={"reason_code": "rights_dispute", "version": version},
        headers=m.operator.headers,
    )
    assert suspended.status_code == 200, suspended.text
    assert _verify(client, doc)["result"] == "suspended"
    then = _verify(client, doc, upload_day)
    assert (then["result"], then["valid"], then["status"]) == ("valid", True, "suspended")
    assert _verify(client, doc, date.today() - timedelta(days=40))["result"] == "not_yet_valid"

    client.post(
        f"/api/v1/licenses/{lic['id']}/revoke",
        json={"reason_code": "fraud", "version": suspended.json()["version"]},
        headers=m.operator.headers,
    )
    for day in (None, upload_day):
        assert _verify(client, doc, day)["result"] == "revoked"
        assert _page(client, lic, day)["result"] == "revoked"


def test_the_answer_shows_the_signed_terms_in_english_and_chinese(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m, territories=["CN", "HK"])
    doc = _certificate(client, m, lic)
    last_day = (date.fromisoformat(lic["valid_to"]) - timedelta(days=1)).isoformat()
    for answer in (_verify(client, doc), _page(client, lic)):
        terms = answer["terms"]
        assert terms["licensee"] == {"id": m.licensee.party_id, "name": "一条 Yitiao"}
        assert [(w["id"], w["title"]) for w in terms["works"]] == [(m.work_id, "月光 Moonlight")]
        assert [(r["right"], r["holder"]["name"], r["share"]) for r in terms["rights"]] == [
            ("synchronisation", "星光音乐出版 Starlight Publishing", "60"),
            ("synchronisation", "李雷 Li Lei", "40"),
        ]
        assert terms["territories"] == ["CN", "HK"] and terms["channels"] == ["douyin", "kuaishou"]
        assert (terms["valid_from"], terms["valid_until"]) == (lic["valid_from"], last_day)
        assert terms["exclusive"] is False and terms["status"] == "valid"
        words, words_zh = "\n".join(terms["in_words"]), "\n".join(terms["in_words_zh"])
        assert "Licensee: 一条 Yitiao" in words and "被许可方：一条 Yitiao" in words_zh
        assert "Work: 月光 Moonlight" in words and "作品：月光 Moonlight" in words_zh
        assert "Synchronisation" in words and "同步权" in words_zh
        assert "Hong Kong" in words and "中国香港" in words_zh
        assert "Douyin" in words and "抖音、快手" in words_zh
        assert f"{lic['valid_from']} to {last_day}" in words and last_day in words_zh
        assert "Exclusive: no" in words and "独家：否" in words_zh
        assert f"Status on {date.today().isoformat()}: in force" in words
        assert "CNY" not in json.dumps(answer)  # the public answer carries no prices

    # What was verified is what was signed: a forged copy shows no terms at all.
    forged = json.loads(json.dumps(doc).replace("Yitiao", "Someone Else"))
    refused = _verify(client, forged)
    assert refused["result"] == "tampered" and refused["terms"] is None


@pytest.mark.parametrize("bad", ["1800-01-01", "2201-01-01", "tomorrow", "2026-02-30"])
def test_the_day_asked_is_bounded(client, sessions, bad: str) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    for r in (
        client.post(f"{VERIFY}?at={bad}", json=_certificate(client, m, lic)),
        client.get(f"/verify/{lic['id']}?at={bad}"),
    ):
        assert r.status_code == 422, r.text
        assert r.json()["error"]["message"] and "at" in json.dumps(r.json()["error"]["details"])
