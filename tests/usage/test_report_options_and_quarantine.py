"""DSR and society reports through the API: the reporting platform is the DSR's channel, a
society statement's currency, territory and right come from the submission (checked), and a
file that ends early is quarantined — nothing of it counts, its rejections say why — while the
complete file lands normally."""

from __future__ import annotations

import calendar

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.tables import PlatformRow
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_reading import landed_usage_files
from tests.support.factories import make_actor
from tests.usage import dsr_files as f
from tests.usage.support import PERIOD, landed, post_report, rejections

STATEMENT = (b'Something,Work ID,Something Else,Right,"Something, Again",Amount,Nonsense\n'
             b'"A title, maybe",X126,Who knows?,PR,100.51Really?,100.51,Really\n')


def period_head(sender: str) -> f.Record:
    year, month = map(int, PERIOD.split("-"))
    last = calendar.monthrange(year, month)[1]
    return f.head(start=f"{PERIOD}-01", end=f"{PERIOD}-{last:02d}", sender=sender)


def dsr_file(sender: str = "Some Label Services Ltd", with_foot: bool = True) -> bytes:
    return f.dsr_bytes([period_head(sender), *f.basic_audio()[1:]], with_foot=with_foot)


@pytest.fixture
def kuaishou(sessions):
    actor = make_actor(sessions, "快手 Kuaishou", Role.PLATFORM)
    with unit_of_work(sessions) as s:
        s.get(PlatformRow, "kuaishou").party_id = actor.party_id
    return actor


def post(client, actor, body: bytes, fmt: str, **params):  # noqa: ANN001, ANN003, ANN201
    return post_report(client, actor, body, content_type="text/tab-separated-values", format=fmt, **params)


def landed_files(sessions, settings) -> list:  # noqa: ANN001
    with unit_of_work(sessions) as s:
        return landed_usage_files(s, Lake(settings.lake_dir), PERIOD)


def test_a_dsr_is_read_as_the_reporting_platforms_own(client, kuaishou):
    report = landed(client, kuaishou, post(client, kuaishou, dsr_file(), "dsr"))
    assert report["status"] == "landed" and report["lines_accepted"] == 2, report
    foreign = landed(client, kuaishou, post(client, kuaishou, dsr_file(sender="抖音"), "dsr"))
    assert foreign["lines_accepted"] == 0
    assert set(foreign["totals"]["rejections"]) == {"foreign_content"}


def test_a_dsr_without_its_footer_is_quarantined_and_the_complete_file_lands(client, sessions, settings,
                                                                             kuaishou):
    cut = landed(client, kuaishou, post(client, kuaishou, dsr_file(with_foot=False), "dsr"))
    assert cut["status"] == "quarantined" and "ends early" in cut["error"]
    reasons = [(r["line_no"], r["reason"]) for r in rejections(client, kuaishou, cut["id"])["items"]]
    assert (0, "truncated") in reasons
    assert landed_files(sessions, settings) == []  # nothing of it counts
    again = post(client, kuaishou, dsr_file(with_foot=False), "dsr")
    assert again.status_code == 200 and again.json()["status"] == "quarantined"  # still the same bytes

    complete = landed(client, kuaishou, post(client, kuaishou, dsr_file(), "dsr"))
    assert complete["status"] == "landed" and complete["lines_accepted"] == 2
    assert [p.stem for p in landed_files(sessions, settings)] == [complete["id"]]


def test_a_csv_cut_mid_line_is_quarantined(client, sessions, settings, kuaishou):
    body = (f"date,platform_content_id,territory,channel,plays\n{PERIOD}-01,v1,CN,kuaishou,10\n"
            f'{PERIOD}-02,"v2').encode()
    report = landed(client, kuaishou, post_report(client, kuaishou, body))
    assert report["status"] == "quarantined"
    assert landed_files(sessions, settings) == []


def test_a_society_statement_takes_its_currency_territory_and_right_from_the_submission(client, sessions):
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    report = landed(client, operator, post(client, operator, STATEMENT, "society", currency="eur",
                                           territory="hr", right="performance"))
    assert report["status"] == "landed" and report["lines_accepted"] == 1
    assert report["totals"]["revenue"] == {"EUR": 10051}
    assert report["options"] == {"currency": "EUR", "territory": "HR", "right": "performance"}
    # The same bytes read another way would count the same money twice: refused, naming why.
    other_way = post(client, operator, STATEMENT, "society", currency="USD", territory="HR", right="performance")
    assert other_way.status_code == 409 and report["id"] in other_way.json()["error"]["message"]
    assert post(client, operator, STATEMENT, "society", currency="EUR", territory="HR",
                right="performance").status_code == 200  # the same way: the same report
    other = STATEMENT + b'"Another",X127,,PR,,2.00,\n'
    without = landed(client, operator, post(client, operator, other, "society"))
    assert without["lines_accepted"] == 0  # no currency anywhere: the amounts mean nothing


@pytest.mark.parametrize(("fmt", "params", "field"), [
    ("society", {"currency": "XYZ"}, "currency"),
    ("society", {"territory": "ZZ"}, "territory"),
    ("society", {"right": "sideways"}, "right"),
    ("csv", {"currency": "CNY"}, "currency"),  # aggregated usage says its own currency per line
])
def test_bad_or_misplaced_options_are_refused_before_anything_is_recorded(client, sessions, fmt, params, field):
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    resp = post(client, operator, STATEMENT, fmt, **params)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["details"][0]["field"] == field
    assert client.get("/api/v1/usage/reports", headers=operator.headers).json()["total"] == 0
