"""A landing the server never finished: its restart marks the report failed (nothing counts),
and sending the same bytes lands it from scratch; a report whose reader fails is failed too."""

from __future__ import annotations

from datetime import date

from clearinghouse.access.domain import Role
from clearinghouse.api.app import JOB_RECOVERIES
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import recover_interrupted
from clearinghouse.usage import repository
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.service import Submission, submit
from tests.support.factories import make_actor, principal
from tests.usage.support import PERIOD, URL, csv_report, landed, post_report

BODY = csv_report(f"{PERIOD}-01,v1,,CN,web,1200,15.50,CNY", f"{PERIOD}-02,v2,,CN,web,7,,")


def test_a_landing_cut_by_a_restart_fails_and_the_same_bytes_land_it_again(client, sessions):
    import hashlib

    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    with unit_of_work(sessions) as s:  # what the crashed server had recorded: a landing begun
        report = submit(s, principal(s, operator), Submission(
            ReportFormat.AGGREGATE_CSV, PERIOD, hashlib.sha256(BODY).hexdigest(), len(BODY)),
            date.today()).report
        jobs.mark_running(s, report.job_id)
        repository.set_fields(s, report.id, status="landing", landing_by="gone-host-or-pid:1")
        report_id, job_id = report.id, report.job_id
    recover_interrupted(sessions, JOB_RECOVERIES)  # the next start
    failed = client.get(f"{URL}/{report_id}", headers=operator.headers).json()
    assert failed["status"] == "failed" and "send the same file again" in failed["error"].lower()
    with unit_of_work(sessions) as s:
        assert repository.landed_report_ids(s, PERIOD) == []
        assert jobs.get_job(s, principal(s, operator), job_id).status == "failed"

    resent = post_report(client, operator, BODY)
    assert resent.status_code == 202 and resent.json()["id"] == report_id
    again = landed(client, operator, resent)
    assert again["status"] == "landed" and again["totals"]["plays"] == 1207
    with unit_of_work(sessions) as s:
        assert repository.landed_report_ids(s, PERIOD) == [(report_id, operator.party_id)]


def test_a_report_whose_file_cannot_be_read_fails_with_the_reason_and_counts_nothing(
        client, sessions, settings):
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    resp = post_report(client, operator, b"\x00\x01 not a DSR file", format="dsr")
    report = landed(client, operator, resp)
    if report["status"] == "landed":  # the DSR reader exists: it refused the file line by line
        assert report["lines_accepted"] == 0
    elif report["status"] == "quarantined":  # no FOOT: not a whole file, so none of it counts
        assert not list(settings.lake_dir.rglob("usage/**/*.parquet*"))
    else:
        assert report["status"] == "failed" and report["error"]
        assert not list(settings.lake_dir.rglob("*.parquet*"))
