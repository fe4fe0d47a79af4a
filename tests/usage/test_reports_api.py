"""Usage reports through the API: received, checked per line, landed in the lake; the same
bytes count once, a correction replaces its original, and only the reporter (and the
operator) sees a report."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.tables import PlatformRow
from clearinghouse.usage import repository
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.lake_reading import landed_usage_files
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.service import Submission, submit
from clearinghouse.usage.tables import UsageReport
from tests.support.factories import make_actor, principal
from tests.usage.support import EARLIER, PERIOD, URL, csv_report, landed, post_report, rejections

LINES = (f"{PERIOD}-01,v1,,CN,douyin,1200,15.50,CNY",
         f"{PERIOD}-01,v2,,CN,douyin,-3,,",  # negative
         f"{PERIOD}-02,v3,,HK,douyin,800,2.00,HKD",
         f"{PERIOD}-02,v4,,CN,dooyin,5,,",  # unknown channel
         f"{PERIOD}-03,v5,,CN,douyin,30,0.05,CNY")


@pytest.fixture
def douyin(sessions):
    """The party of the platform 抖音 (linked to its platform, as the operator does)."""
    actor = make_actor(sessions, "抖音 Douyin", Role.PLATFORM)
    with unit_of_work(sessions) as s:
        s.get(PlatformRow, "douyin").party_id = actor.party_id
    return actor


def count_reports(sessions) -> int:
    with unit_of_work(sessions) as s:
        return s.scalar(select(func.count()).select_from(UsageReport)) or 0


def test_a_report_lands_with_its_counts_totals_lake_files_and_rejections_in_line_order(
        client, sessions, settings, douyin):
    resp = post_report(client, douyin, csv_report(*LINES))
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "received"
    assert resp.headers["Location"] == f"{URL}/{resp.json()['id']}"
    report = landed(client, douyin, resp)
    assert report["status"] == "landed" and report["encoding"] == "utf-8-sig"
    assert (report["lines_read"], report["lines_accepted"], report["lines_rejected"]) == (5, 3, 2)
    assert report["totals"] == {"plays": 2030, "copies": 0,
                                "revenue": {"CNY": 1555, "HKD": 200},
                                "rejections": {"negative": 1, "unknown_channel": 1}}
    page = rejections(client, douyin, report["id"])
    assert page["total"] == 2
    assert [(r["line_no"], r["reason"], r["field"]) for r in page["items"]] == [
        (3, "negative", "plays"), (5, "unknown_channel", "channel")]
    assert rejections(client, douyin, report["id"], offset=1, limit=1)["items"][0]["line_no"] == 5
    lake = Lake(settings.lake_dir)
    lines = pq.read_table(lake.file(Area.USAGE, PERIOD, douyin.party_id, report["id"]))
    assert lines.column("line_no").to_pylist() == [2, 4, 6]
    assert set(lines.column("report_id").to_pylist()) == {report["id"]}
    assert not list(settings.lake_dir.rglob("*.partial"))
    with unit_of_work(sessions) as s:
        assert repository.landed_report_ids(s, PERIOD) == [(report["id"], douyin.party_id)]


def test_the_same_bytes_twice_are_one_report_and_count_once(client, sessions, douyin):
    body = csv_report(*LINES)
    first = landed(client, douyin, post_report(client, douyin, body))
    again = post_report(client, douyin, body)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first["id"] and again.json()["status"] == "landed"
    assert count_reports(sessions) == 1
    listed = client.get(URL, headers=douyin.headers).json()
    assert (listed["total"], [r["id"] for r in listed["items"]]) == (1, [first["id"]])
    # The same bytes for another period are another report.
    other = landed(client, douyin, post_report(client, douyin, body.replace(PERIOD.encode(), EARLIER.encode()),
                                               period=EARLIER))
    assert other["id"] != first["id"]


def test_a_correction_lands_and_supersedes_its_original_so_totals_never_count_both(
        client, sessions, settings, douyin):
    original = landed(client, douyin, post_report(client, douyin, csv_report(*LINES)))
    fixed = csv_report(f"{PERIOD}-01,v1,,CN,douyin,1300,16.00,CNY")
    correction = landed(client, douyin, post_report(client, douyin, fixed, replaces=original["id"]))
    assert correction["status"] == "landed" and correction["replaces_id"] == original["id"]
    now = client.get(f"{URL}/{original['id']}", headers=douyin.headers).json()
    assert now["status"] == "superseded" and now["superseded_by_id"] == correction["id"]
    with unit_of_work(sessions) as s:
        assert repository.landed_report_ids(s, PERIOD) == [(correction["id"], douyin.party_id)]
        counted = landed_usage_files(s, Lake(settings.lake_dir), PERIOD)
    assert [p.stem for p in counted] == [correction["id"]] and counted[0].exists()
    assert Lake(settings.lake_dir).file(Area.USAGE, PERIOD, douyin.party_id, original["id"]).exists()
    # A superseded report cannot be corrected again, and another period is refused.
    again = post_report(client, douyin, fixed + f"{PERIOD}-02,v9,,CN,douyin,1,,\n".encode(),
                        replaces=original["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    elsewhere = post_report(client, douyin, csv_report(f"{EARLIER}-01,v1,,CN,douyin,1,,"),
                            period=EARLIER, replaces=correction["id"])
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["details"][0]["field"] == "period"


def test_a_platform_reporting_another_platforms_content_gets_foreign_content_rejections(
        client, settings, douyin):
    body = csv_report(f"{PERIOD}-01,v1,,CN,kuaishou,100,,", f"{PERIOD}-01,v2,,CN,,100,,",
                      f"{PERIOD}-01,v3,,CN,web,100,,")
    report = landed(client, douyin, post_report(client, douyin, body))
    assert report["totals"]["rejections"] == {"foreign_content": 1}
    assert rejections(client, douyin, report["id"])["items"][0]["line_no"] == 2
    # A line without a channel is on the platform's own one; a general channel stays as it is.
    lines = pq.read_table(Lake(settings.lake_dir).file(Area.USAGE, PERIOD, douyin.party_id,
                                                       report["id"]))
    assert lines.column("channel").to_pylist() == ["douyin", "web"]


def test_a_licensee_reports_use_under_its_own_licences_only(client, sessions):
    from tests.licensing.purchase_support import buy, make_market, make_quote, use_of

    market = make_market(sessions)
    quote = make_quote(sessions, market.licensee, use=use_of(market.work_id))
    licence = buy(client, market.licensee, quote).json()["id"]
    stranger = make_actor(sessions, "另一个被许可人 Another licensee", Role.LICENSEE)
    body = csv_report(f"{PERIOD}-01,,{licence},CN,douyin,100,,", f"{PERIOD}-01,,lic_nosuch,CN,douyin,5,,")
    mine = landed(client, market.licensee, post_report(client, market.licensee, body))
    assert (mine["lines_accepted"], mine["totals"]["rejections"]) == (1, {"foreign_content": 1})
    theirs = landed(client, stranger, post_report(client, stranger, body))
    assert (theirs["lines_accepted"], theirs["totals"]["rejections"]) == (0, {"foreign_content": 2})


def test_only_the_reporter_and_the_operator_see_a_report(client, sessions, douyin):
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    other = make_actor(sessions, "快手 Kuaishou", Role.PLATFORM)
    owner = make_actor(sessions, "星光 Owner", Role.OWNER)
    report = landed(client, douyin, post_report(client, douyin, csv_report(*LINES)))
    for path in (f"{URL}/{report['id']}", f"{URL}/{report['id']}/rejections"):
        assert client.get(path, headers=other.headers).status_code == 404
        assert client.get(path, headers=operator.headers).status_code == 200
    assert client.get(URL, headers=other.headers).json()["total"] == 0
    assert client.get(URL, headers=operator.headers).json()["total"] == 1
    refused = post_report(client, owner, csv_report(*LINES))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    # A platform may not report for someone else; the operator may.
    assert post_report(client, other, csv_report(*LINES),
                       reporter=douyin.party_id).status_code == 403
    for_douyin = landed(client, operator, post_report(client, operator, csv_report(LINES[0]),
                                                      reporter=douyin.party_id))
    assert for_douyin["reporter_id"] == douyin.party_id
    assert client.get(f"{URL}/{for_douyin['id']}", headers=douyin.headers).status_code == 200


def test_bad_submissions_get_the_one_error_shape_and_record_nothing(client, sessions, settings, douyin):
    future = post_report(client, douyin, csv_report(*LINES), period="2099-01")
    assert future.status_code == 422 and future.json()["error"]["details"][0]["field"] == "period"
    empty = post_report(client, douyin, b"")
    assert empty.status_code == 422
    wrong_format = post_report(client, douyin, csv_report(*LINES), format="xlsx")  # not a format
    assert wrong_format.status_code == 422
    assert count_reports(sessions) == 0
    assert not [p for p in (settings.data_dir / "uploads").glob("usage-*")]


def test_a_report_over_the_upload_limit_is_413_and_records_nothing(settings, sessions, douyin):
    from fastapi.testclient import TestClient

    from clearinghouse.api.app import create_app

    small = settings.model_copy(update={"max_upload_bytes": 2_000})
    small.data_dir.mkdir(parents=True, exist_ok=True)
    body = csv_report(*(LINES[0] for _ in range(100)))
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        resp = post_report(client, douyin, body)
        assert resp.status_code == 413
        assert resp.json()["error"]["code"] == "payload_too_large"
        chunked = client.post(URL, content=iter([body[:1500], body[1500:]]),
                              headers=douyin.headers | {"content-type": "text/csv"},
                              params={"format": "csv", "period": PERIOD})
        assert chunked.status_code == 413
    assert count_reports(sessions) == 0
    assert not list((small.data_dir / "uploads").glob("usage-*"))


def test_gbk_and_multipart_uploads_land_and_say_which_encoding_was_found(client, douyin):
    body = f"日期,内容ID,地区,渠道,播放量\n{PERIOD}-01,v1,CN,抖音,12\n".encode("gbk")
    resp = client.post(URL, files={"file": ("usage.csv", body, "text/csv")},
                       headers=douyin.headers, params={"format": "csv", "period": PERIOD})
    report = landed(client, douyin, resp)
    assert (report["encoding"], report["lines_accepted"], report["totals"]["plays"]) == (
        "gb18030", 1, 12)


def test_rejections_are_refused_until_the_report_has_landed(client, sessions, douyin):
    with unit_of_work(sessions) as s:
        report = submit(s, principal(s, douyin), Submission(ReportFormat.AGGREGATE_CSV, PERIOD,
                                                            "0" * 64, 10), date.today())
    resp = client.get(f"{URL}/{report.report.id}/rejections", headers=douyin.headers)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "conflict"
