"""Usage reports on pages (upload, list, a report's progress and rejections) and where matched
usage found no licence (the operator's unmatched report, the owner's unlicensed use): real HTTP
through the app on SQLite and PostgreSQL with the demo market, the real landing job and the real
matching pipeline (DuckDB)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from clearinghouse.core.db import unit_of_work
from clearinghouse.royalties.outcome_reading import UNLICENSED, UNMATCHED
from clearinghouse.royalties.outcome_reading import outcome_file as page_outcome_file
from clearinghouse.royalties.pipeline.run import LandedReport, Outcome, outcome_file, run_matching
from clearinghouse.usage import repository as usage_repository
from clearinghouse.usage.lake import Lake
from tests.web.support import form_token, sign_in

BRAND = ("brand@demo.clearinghouse.example", "demo-brand-password")
CREATOR = ("creator@demo.clearinghouse.example", "demo-creator-password")
DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")
OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
DOUYIN_KEY = {"Authorization": "Bearer chk_de0000000006_demo-platform-douyin"}  # docs/demo.md
EN = {"Accept-Language": "en"}


def last_month() -> str:
    today = datetime.now(UTC).date()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def report_csv(work_id: str) -> str:
    return "\n".join([
        "work_id,isrc,territory,plays,revenue,currency",
        f"{work_id},,CN,1200,15.50,CNY",  # a work nobody licensed to the reporter: unlicensed
        ",CNA011700001,CN,70000,,",  # an ISRC no work has: unmatched
        ",,CN,5,,",  # no work identifier: rejected
        f"{work_id},,CN,-3,,",  # negative plays: rejected
    ]) + "\n"


def upload(client, body: str, period: str, fmt: str = "csv", **extra: str):  # noqa: ANN001, ANN201
    token = form_token(client.get("/usage/reports"))
    return client.post("/usage/reports/file",
                       data={"csrf_token": token, "format": fmt, "period": period, **extra},
                       files={"file": ("usage.csv", body.encode(), "text/csv")},
                       follow_redirects=False)


def a_work_of(client) -> str:  # noqa: ANN001 - signed in as an owner
    found = re.search(r'href="/owner/works/(wrk_[A-Za-z0-9]+)"', client.get("/owner/works").text)
    assert found, "the owner has no work"
    return found[1]


def landed(client, body: str, period: str) -> str:  # noqa: ANN001
    sent = upload(client, body, period)
    assert sent.status_code == 303, sent.text[-800:]
    client.app.state.jobs.wait_idle(timeout=120)
    return str(sent.headers["location"])


def test_a_licensee_uploads_a_report_and_sees_its_totals_and_each_rejected_line(browser_client):
    assert sign_in(browser_client, *YITIAO).status_code == 303
    work_id = a_work_of(browser_client)
    assert sign_in(browser_client, *BRAND).status_code == 303
    report_page = landed(browser_client, report_csv(work_id), last_month())
    assert re.fullmatch(r"/usage/reports/rep_[A-Za-z0-9]+", report_page), report_page
    page = browser_client.get(report_page, headers=EN)
    assert page.status_code == 200 and "hx-trigger" not in page.text  # landed: nothing polls
    totals = re.search(r'<dl class="terms" id="report-totals">(.*?)</dl>', page.text, re.S)
    assert totals and "<dd>71,200</dd>" in totals[1] and "CN¥15.50" in totals[1]
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>', page.text)
    assert rows == [("4", "a required field is missing", "license_id"),
                    ("5", "a negative number", "plays")], rows
    chinese = browser_client.get(report_page, headers={"Accept-Language": "zh-CN"}).text
    assert "71,200" in chinese and "¥15.50" in chinese and "负数" in chinese
    listed = browser_client.get("/usage/reports", headers=EN).text
    assert report_page in listed and "landed" in listed
    again = upload(browser_client, report_csv(work_id), last_month())  # the same bytes: one report
    assert again.headers["location"] == report_page + "?again=1"
    assert 'id="sent-before"' in browser_client.get(again.headers["location"]).text
    assert listed.count('href="/usage/reports/rep_') == \
        browser_client.get("/usage/reports").text.count('href="/usage/reports/rep_')


def test_rejections_are_paged(browser_client):
    assert sign_in(browser_client, *BRAND).status_code == 303
    bad = "work_id,territory,plays\n" + "".join(f"wrk_x{i},CN,-{i + 1}\n" for i in range(60))
    report_page = landed(browser_client, bad, last_month())
    first = browser_client.get(report_page).text
    assert first.count('<tr><td class="num">') == 50 and 'id="next-rejections"' in first
    second = browser_client.get(report_page + "?offset=50").text
    lines = re.findall(r'<tr><td class="num">(\d+)</td>', second)
    assert lines == [str(n) for n in range(52, 62)]


def test_a_landing_report_shows_a_polling_progress_bar(browser_client):
    assert sign_in(browser_client, *BRAND).status_code == 303
    # A report recorded but not yet landed: its job is queued, so the page polls.
    browser_client.app.state.jobs.start = lambda *args, **kwargs: None
    sent = upload(browser_client, "work_id,territory,plays\nwrk_x,CN,1\n", last_month())
    page = browser_client.get(sent.headers["location"])
    report_id = sent.headers["location"].rsplit("/", 1)[-1]
    assert '<progress id="report-bar" max="100" value="0">' in page.text
    assert f'hx-get="/usage/reports/{report_id}/progress" hx-trigger="every 1s"' in page.text
    fragment = browser_client.get(f"/usage/reports/{report_id}/progress")
    assert fragment.text.lstrip().startswith('<section id="report-progress"')
    assert "<html" not in fragment.text


def test_bad_uploads_are_refused_on_the_form_with_the_apis_status(browser_client):
    assert sign_in(browser_client, *BRAND).status_code == 303
    future = upload(browser_client, "work_id,territory,plays\nwrk_x,CN,1\n", "2999-01")
    assert future.status_code == 422 and 'id="form-error"' in future.text
    assert 'value="2999-01"' in future.text  # what was typed is kept
    wrong_format = upload(browser_client, "x\n", last_month(), fmt="xml")
    assert wrong_format.status_code == 422 and 'id="form-error"' in wrong_format.text
    empty = upload(browser_client, "", last_month())
    assert empty.status_code == 422
    for_another = upload(browser_client, "work_id,territory,plays\nwrk_x,CN,1\n", last_month(),
                         reporter="pty_someone")  # only the operator reports for others
    assert for_another.status_code == 403
    assert 'href="/usage/reports/rep_' not in browser_client.get("/usage/reports").text


def test_the_operator_reports_on_behalf_of_a_platform(browser_client, second_client):
    assert sign_in(second_client, *DOUYIN).status_code == 303
    douyin = second_client.get("/api/v1/me", headers=DOUYIN_KEY).json()["id"]
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    assert 'name="reporter"' in browser_client.get("/usage/reports").text
    sent = upload(browser_client, "work_id,territory,plays\nwrk_x,CN,1\n", last_month(),
                  reporter=douyin)
    assert sent.status_code == 303, sent.text[-500:]
    browser_client.app.state.jobs.wait_idle(timeout=120)
    report_page = sent.headers["location"]
    assert douyin in browser_client.get(report_page).text
    assert second_client.get(report_page).status_code == 200  # the reporter sees it too
    assert report_page in second_client.get("/usage/reports").text


def test_the_usage_pages_need_a_token_a_reporting_role_and_ones_own_report(
        browser_client, second_client):
    assert sign_in(browser_client, *BRAND).status_code == 303
    report_page = landed(browser_client, "work_id,territory,plays\nwrk_x,CN,1\n", last_month())
    no_token = browser_client.post("/usage/reports/file", data={"format": "csv", "period": last_month()},
                                   files={"file": ("u.csv", b"work_id,territory,plays\n", "text/csv")})
    assert no_token.status_code == 403
    assert sign_in(second_client, *YITIAO).status_code == 303  # an owner reports no usage
    assert second_client.get("/usage/reports").status_code == 403
    assert sign_in(second_client, *CREATOR).status_code == 303  # another licensee
    assert second_client.get(report_page).status_code == 404
    assert second_client.get(report_page + "/progress").status_code == 404
    assert report_page not in second_client.get("/usage/reports").text
    second_client.cookies.clear()
    anonymous = second_client.get("/usage/reports", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in?next=")


def _match(client, period: str) -> None:  # noqa: ANN001
    app = client.app
    lake = Lake(app.state.settings.lake_dir)
    with unit_of_work(app.state.sessions) as db:
        reports = [LandedReport(report_id, reporter_id) for report_id, reporter_id
                   in usage_repository.landed_report_ids(db, period)]
        run_matching(db, lake, period, reports)


def test_unmatched_and_unlicensed_use_after_matching(browser_client, second_client):
    assert sign_in(second_client, *YITIAO).status_code == 303
    work_id = a_work_of(second_client)
    assert sign_in(browser_client, *BRAND).status_code == 303
    period = last_month()
    landed(browser_client, report_csv(work_id), period)
    _match(browser_client, period)

    assert browser_client.get("/operator/unmatched").status_code == 403  # a licensee
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    unmatched = browser_client.get("/operator/unmatched", headers=EN).text  # the newest period
    table = re.search(r'<table id="unmatched">(.*?)</table>', unmatched, re.S)
    assert table, unmatched[-1500:]
    assert "no work has this identifier" in table[1] and "isrc:CNA011700001" in table[1]
    assert "70,000" in table[1] and work_id not in table[1]

    owner_page = second_client.get(f"/owner/unlicensed?period={period}", headers=EN).text
    table = re.search(r'<table id="unlicensed">(.*?)</table>', owner_page, re.S)
    assert table, owner_page[-1500:]
    assert f'href="/owner/works/{work_id}"' in table[1] and "never licensed" in table[1]
    assert "1,200" in table[1] and "CN¥15.50" in table[1]
    assert sign_in(second_client, *ERGENG).status_code == 303  # another owner: not its work
    other = second_client.get(f"/owner/unlicensed?period={period}").text
    assert work_id not in other and '<table id="unlicensed">' not in other
    assert sign_in(second_client, *BRAND).status_code == 303
    assert second_client.get("/owner/unlicensed").status_code == 403  # not an owner


def test_no_period_matched_yet_is_said(browser_client):
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    assert 'id="no-periods"' in browser_client.get("/operator/unmatched").text
    assert browser_client.get("/operator/unmatched?period=junk").status_code == 422


def test_the_pages_read_the_outcome_files_where_matching_writes_them(tmp_path):
    lake = Lake(tmp_path)
    assert page_outcome_file(lake, UNMATCHED, "2026-10") == outcome_file(lake, Outcome.UNMATCHED, "2026-10")
    assert page_outcome_file(lake, UNLICENSED, "2026-10") == outcome_file(lake, Outcome.UNLICENSED, "2026-10")
