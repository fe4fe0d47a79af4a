"""A service's error on a Chinese page is in Chinese (by its code and field, through the
catalogue), on an English page in English; the JSON API keeps its English error bodies."""

from __future__ import annotations

from clearinghouse.core.errors import DomainError, NotFound, ValidationFailed
from clearinghouse.web import error_words, i18n
from tests.web.support import form_token, recording_of, sign_up


def _zh(client) -> None:  # noqa: ANN001
    client.cookies.set(i18n.COOKIE, "zh")


def test_a_zh_visitor_with_a_bad_use_form_reads_chinese_and_the_api_stays_english(browser_client):
    _zh(browser_client)
    work_id = recording_of(browser_client, "夏日的风")
    preview = browser_client.get("/quote-preview", params={"work_id": work_id, "territory": "MARS"})
    assert preview.status_code == 200  # the live price says what is wrong with the use
    assert "请从列表中选择一个地区" in preview.text
    too_long = browser_client.get("/quote-preview", params={"work_id": work_id, "seconds": "0"})
    assert too_long.status_code == 422
    assert "使用时长必须是 1 到 36000 之间的整数秒" in too_long.text
    assert "must be a whole number" not in too_long.text
    checkout = browser_client.get("/checkout", params={"work_id": work_id, "seconds": "abc"})
    assert checkout.status_code == 422
    assert "使用时长必须是" in checkout.text and 'lang="zh-CN"' in checkout.text
    api = browser_client.post("/api/v1/quotes", json={"work_ids": [work_id]})
    assert api.headers["content-type"].startswith("application/json")
    assert "使用时长" not in api.text  # the API's bodies are not translated


def test_an_english_visitor_reads_the_same_advice_in_english(browser_client):
    browser_client.cookies.set(i18n.COOKIE, "en")
    work_id = recording_of(browser_client, "夏日的风")
    checkout = browser_client.get("/checkout", params={"work_id": work_id, "seconds": "abc"})
    assert checkout.status_code == 422
    assert "The length of the use is a whole number of seconds" in checkout.text


def test_a_missing_work_and_a_foreign_form_are_explained_in_chinese(browser_client):
    _zh(browser_client)
    missing = browser_client.get("/works/wrk_nosuchwork")
    assert missing.status_code == 404 and "这里没有这个作品" in missing.text
    sign_up(browser_client, "zh-errors@example.com")
    refused = browser_client.post("/sign-out", data={"csrf_token": "x" * 43})
    assert refused.status_code == 403 and "此表单已过期或并非来自本站" in refused.text
    assert browser_client.get("/account").status_code == 200  # nothing was lost


def test_a_sign_up_with_a_bad_email_is_explained_in_chinese(browser_client):
    _zh(browser_client)
    token = form_token(browser_client.get("/sign-up"))
    refused = browser_client.post("/sign-up", data={"csrf_token": token, "kind": "creator",
                                                     "email": "not-an-email", "password": "x" * 12})
    assert refused.status_code == 422 and "请输入邮箱地址" in refused.text


def test_an_error_without_a_catalogue_entry_falls_back_to_its_english_message():
    zh = i18n.translations("zh")
    unknown = error_words.explain(ValidationFailed("quantum flux too high", field="flux"), zh, "zh-CN")
    assert (unknown.text, unknown.lang) == ("quantum flux too high", "en")
    nested = error_words.explain(ValidationFailed("channels.0: bad", field="channels.0"), zh, "zh-CN")
    assert nested.text == "请从列表中选择一个平台。" and nested.lang == "zh-CN"
    by_body = error_words.explain(NotFound("licence x not found", field="license_id"), zh, "zh-CN")
    assert by_body.text == "本平台没有该许可，请检查许可编号。"
    assert error_words.msgid_of(DomainError("anything")) is None


def test_a_right_the_checkout_cannot_clear_is_explained_in_the_visitors_language(browser_client):
    """An edited use needs the author's approval: on a Chinese page the reason is Chinese (the
    engine's English sentence, with its names, kept behind a 'details' switch); in English the
    engine's own sentence, with no switch."""
    found = browser_client.get("/api/v1/works", params={"owner": "一条视频", "type": "short_video", "limit": 1})
    use = {"work_id": found.json()["items"][0]["id"], "channel": "douyin", "seconds": "15", "edited": "1"}
    _zh(browser_client)
    zh = browser_client.get("/checkout", params=use)
    assert zh.status_code == 200
    unclearable = zh.text.split('class="unclearable"', 1)[1].split("</ul>", 1)[0]
    assert "请询问权利人" in unclearable or "请向其权利人询问" in unclearable
    assert "详情（英文）" in unclearable and 'lang="en"' in unclearable
    browser_client.cookies.set(i18n.COOKIE, "en")
    en = browser_client.get("/checkout", params=use)
    unclearable = en.text.split('class="unclearable"', 1)[1].split("</ul>", 1)[0]
    assert "approv" in unclearable and "请" not in unclearable and "Details (in English)" not in unclearable
