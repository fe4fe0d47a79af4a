"""The deal-flow page through the app on SQLite and PostgreSQL with the demo market: the
operator imports the report's deal table from the page and reads the report's headline; an
owner reads it too but has no import form and cannot post one; the form needs its token; a bad
file comes back with each line named and nothing imported."""

from __future__ import annotations

import pytest

from tests.analytics.test_deals import REPORT_DEALS
from tests.conftest import unavailable
from tests.web.support import form_token, sign_in
from tests.web.test_usage_pages import EN, OPERATOR, YITIAO


@pytest.fixture
def report_deals() -> bytes:
    if not REPORT_DEALS.exists():
        unavailable(f"the report's deal table is not beside the project ({REPORT_DEALS})")
    return REPORT_DEALS.read_bytes()


def test_the_operator_imports_deals_and_everyone_signed_in_reads_the_headline(
        browser_client, second_client, report_deals: bytes):
    assert browser_client.get("/analytics/deals", follow_redirects=False).status_code == 303
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    empty = browser_client.get("/analytics/deals", headers=EN)
    assert empty.status_code == 200 and 'id="no-deals"' in empty.text
    assert 'id="import-deals"' in empty.text
    files = {"file": ("deals.csv", report_deals, "text/csv")}
    no_token = browser_client.post("/analytics/deals/file", data={"label": "2017Q3"}, files=files)
    assert no_token.status_code == 403
    sent = browser_client.post("/analytics/deals/file", files=files, follow_redirects=False,
                               data={"label": "2017Q3", "csrf_token": form_token(empty)})
    assert sent.status_code == 303, sent.text[-600:]
    shown = browser_client.get(sent.headers["location"], headers=EN).text
    assert 'id="imported"' in shown
    assert "24 investment events, an estimated total above 800 million CNY" in shown
    assert 'id="total-events-category"' in shown and "CN¥821,600,000.00" in shown
    assert shown.count("<svg") == 0 and shown.count('src="data:image/svg+xml;base64,') == 2

    zh = browser_client.get("/analytics/deals", headers={"Accept-Language": "zh"}).text
    assert "投融资事件24起，估算吸金超8亿元" in zh

    assert sign_in(second_client, *YITIAO).status_code == 303
    owner_view = second_client.get("/analytics/deals", headers=EN)
    assert owner_view.status_code == 200 and "24 investment events" in owner_view.text
    assert 'id="import-deals"' not in owner_view.text
    refused = second_client.post("/analytics/deals/file", files=files, follow_redirects=False,
                                 data={"label": "mine",
                                       "csrf_token": form_token(second_client.get("/account"))})
    assert refused.status_code == 403


def test_a_bad_deal_file_is_shown_line_by_line_and_nothing_is_imported(browser_client):
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    start = browser_client.get("/analytics/deals", headers=EN)
    bad = ("month,company,business,category,round,amount_text,investors\n"
           "2017-07,Good,apps,app,A轮,600万人民币,X\n2017-13,Bad,x,app,A轮,1亿元,X\n").encode()
    answer = browser_client.post("/analytics/deals/file", headers=EN,
                                 files={"file": ("bad.csv", bad, "text/csv")},
                                 data={"label": "bad", "csrf_token": form_token(start)})
    assert answer.status_code == 422
    assert 'id="form-error"' in answer.text and "line 3: month" in answer.text
    assert 'id="no-deals"' in answer.text  # nothing was imported
