"""`clearinghouse usage submit|status|rejections`: the same landing as the API, from a file."""

from __future__ import annotations

import json

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.core.db import make_engine, session_factory
from tests.support.factories import make_actor
from tests.usage.support import PERIOD, csv_report

LINES = (f"{PERIOD}-01,v1,,CN,web,1200,15.50,CNY", f"{PERIOD}-01,v2,,CN,web,-3,,",
         f"{PERIOD}-02,v3,,HK,web,800,2.00,HKD")


@pytest.fixture
def operator(db_url):
    engine = make_engine(db_url)
    actor = make_actor(session_factory(engine), "清算所 Operator", Role.OPERATOR)
    engine.dispose()
    return actor


def test_submit_lands_a_report_and_status_and_rejections_show_it(cli, tmp_path, operator):
    report_file = tmp_path / "usage.csv"
    report_file.write_bytes(csv_report(*LINES))
    args = ("usage", "submit", str(report_file), "--format", "csv", "--period", PERIOD,
            "--as", operator.party_id)
    first = cli(*args, "--json")
    assert first.exit_code == 4, first.output  # landed, one line rejected
    report = json.loads(first.stdout)
    assert report["status"] == "landed" and report["totals"]["plays"] == 2000
    assert (report["lines_accepted"], report["lines_rejected"]) == (2, 1)

    again = cli(*args, "--json")
    assert again.exit_code == 5  # the same bytes: the existing report, nothing counted twice
    assert json.loads(again.stdout)["id"] == report["id"]

    status = cli.json("usage", "status", report["id"], "--as", operator.party_id)
    assert status["status"] == "landed"
    listed = cli.json("usage", "status", "--as", operator.party_id)
    assert [r["id"] for r in listed] == [report["id"]]
    rejected = cli.json("usage", "rejections", report["id"], "--as", operator.party_id)
    assert [(r["line_no"], r["reason"]) for r in rejected["items"]] == [(3, "negative")]
    table = cli("usage", "rejections", report["id"], "--as", operator.party_id)
    assert table.exit_code == 0 and "negative" in table.stdout


def test_submit_refuses_a_future_period_and_an_unknown_format(cli, tmp_path, operator):
    report_file = tmp_path / "usage.csv"
    report_file.write_bytes(csv_report(*LINES))
    future = cli("usage", "submit", str(report_file), "--format", "csv", "--period", "2099-01",
                 "--as", operator.party_id)
    assert future.exit_code == 4 and "has not begun" in future.output
    unknown = cli("usage", "submit", str(report_file), "--format", "xlsx", "--period", PERIOD)
    assert unknown.exit_code == 2


def test_submit_an_event_log_and_status_shows_what_cleaning_removed(cli, tmp_path, operator):
    from tests.usage.test_event_reports import event_log

    log = tmp_path / "events.csv"
    log.write_bytes(event_log())
    done = cli("usage", "submit", str(log), "--format", "events", "--period", PERIOD,
               "--as", operator.party_id, "--json")
    assert done.exit_code == 4, done.output  # landed, two lines of the log refused
    report = json.loads(done.stdout)
    assert report["status"] == "landed" and report["cleaning"]["removed_events"] == 40
    shown = cli("usage", "status", report["id"], "--as", operator.party_id)
    assert shown.exit_code == 0
    assert "40 removed" in shown.stdout and "burst" in shown.stdout


def test_submit_takes_a_statements_currency_and_refuses_a_bad_one(cli, tmp_path, operator):
    statement = tmp_path / "statement.csv"
    statement.write_bytes(b"Work ID,Amount\nX126,100.51\n")
    bad = cli("usage", "submit", str(statement), "--format", "society", "--period", PERIOD,
              "--currency", "XYZ", "--as", operator.party_id)
    assert bad.exit_code == 4 and "currency" in bad.output
    good = cli("usage", "submit", str(statement), "--format", "society", "--period", PERIOD,
               "--currency", "CNY", "--territory", "CN", "--as", operator.party_id, "--json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["totals"]["revenue"] == {"CNY": 10051}
