"""Notice documents: both languages, both formats, the facts a reader relies on, and escaping."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from clearinghouse.enforcement.notices import MatchedRange, NoticeFacts, render

HOSTILE = '月光 <script>alert("x")</script> & "quotes"'


def facts(**changes: object) -> NoticeFacts:
    values: dict[str, object] = dict(
        work_title="月光 Moonlight", owner_name="上海星河音乐 Xinghe Music", upload_ref="dy-7731",
        platform_name="抖音 Douyin",
        ranges=(MatchedRange(3.2, 8.9, 61.0, 66.7), MatchedRange(70.0, 75.5, 122.0, 127.5)),
        score=0.93, false_match_rate=1e-4, policy="offer",
        issued_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC), notice_id="ntc_demo", quote_id="qt_9",
        buy_url="https://ch.example/quotes/qt_9", price_minor=12000, currency="CNY",
        dispute_url="https://ch.example/disputes/new?claim=1", deadline=date(2026, 12, 15))
    values.update(changes)
    return NoticeFacts(**values)  # type: ignore[arg-type]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language,expected", [
    ("zh", ["版权侵权警告通知", "权利结算中心代表权利人上海星河音乐", "00:03–00:08", "01:01–01:06",
            "01:10–01:15", "0.930", "1.0e-04", "提供许可", "qt_9", "¥120.00", "合理使用",
            "2026-12-15", "dy-7731", "抖音 Douyin", "ntc_demo"]),
    ("en", ["Notice of copyright infringement", "Rights Clearinghouse sends this notice",
            "00:03–00:08", "01:01–01:06", "0.930", "1.0e-04", "offer a licence", "qt_9",
            "¥120.00", "fair use", "not a match", "2026-12-15", "dy-7731", "月光 Moonlight"]),
])
def test_pdf_carries_the_facts_in_its_language(language: str, expected: list[str]) -> None:
    data = render(facts(), language=language, format="pdf")  # type: ignore[arg-type]
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for fact in expected:
        assert fact in text, fact


@pytest.mark.parametrize("language,title", [("zh", "版权侵权警告通知"),
                                            ("en", "Notice of copyright infringement")])
def test_html_is_one_self_contained_document(language: str, title: str) -> None:
    html = render(facts(), language=language, format="html").decode()  # type: ignore[arg-type]
    assert f'<html lang="{language}">' in html and title in html
    assert 'href="https://ch.example/quotes/qt_9"' in html and "00:03–00:08" in html
    assert "src=" not in html and "<link" not in html  # nothing fetched from elsewhere


def test_hostile_text_is_escaped_in_html_and_drawn_as_text_in_pdf() -> None:
    hostile = facts(work_title=HOSTILE, owner_name="<b>Owner</b>", upload_ref="x\"><img src=x>",
                    buy_url="javascript:alert(1)")
    html = render(hostile, language="en", format="html").decode()
    assert "<script>" not in html and "<img" not in html and "<b>Owner" not in html
    assert "&lt;script&gt;" in html and "javascript:" not in html
    assert '月光 <script>alert("x")</script>' in pdf_text(render(hostile, language="zh", format="pdf"))


def test_a_notice_without_offer_or_dispute_link_still_says_what_to_do() -> None:
    plain = facts(policy="block", quote_id=None, buy_url=None, price_minor=None, currency=None,
                  dispute_url=None, deadline=None)
    html = render(plain, language="en", format="html").decode()
    assert "block the upload" in html and "Buy a licence" not in html
    assert "Dispute the claim" in html  # the reasons are listed even without a link


def test_bad_facts_are_refused() -> None:
    with pytest.raises(ValueError):
        facts(score=1.5)
    with pytest.raises(ValueError):
        facts(price_minor=120.0)
    with pytest.raises(ValueError):
        render(facts(), language="fr", format="html")  # type: ignore[arg-type]


def test_facts_survive_a_json_round_trip() -> None:
    original = facts()
    assert NoticeFacts.from_json(original.as_json()) == original
