"""Event logs submitted as reports: staged, cleaned, and landed like any format — their clean
plays as usage lines, their refused lines as rejections, the clean and removed events in the
lake — with the cleaning summary on the report, and thresholds the operator configures."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from clearinghouse.access.domain import Role
from clearinghouse.api.app import create_app
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.tables import PlatformRow
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.lake_reading import landed_usage_files
from tests.support.factories import make_actor
from tests.usage.support import PERIOD, URL, landed, rejections

HEADER = "device_id,event_time,event_type,watch_seconds,territory,channel,platform_content_id"
PEOPLE = [f"person-{n},{PERIOD}-05T20:0{n}:00+08:00,play,30,CN,douyin,v1" for n in range(3)]
# A script starting 40 plays in 40 seconds: the burst rule (30 in 60 s) removes the device's day.
BURST = [f"bot-1,{PERIOD}-05T21:00:{s:02d}+08:00,play,1,CN,douyin,v2" for s in range(40)]
FOREIGN = f"person-9,{PERIOD}-05T20:10:00+08:00,play,30,CN,kuaishou,v1"  # another platform's
BAD = f"person-8,{PERIOD}-05T20:11:00+08:00,jump,30,CN,douyin,v1"  # no such event type


def event_log() -> bytes:
    return ("\n".join([HEADER, *PEOPLE, FOREIGN, BAD, *BURST]) + "\n").encode()


@pytest.fixture
def douyin(sessions):
    actor = make_actor(sessions, "抖音 Douyin", Role.PLATFORM)
    with unit_of_work(sessions) as s:
        s.get(PlatformRow, "douyin").party_id = actor.party_id
    return actor


def post_events(client, actor, body: bytes):  # noqa: ANN001, ANN201
    return client.post(URL, content=body, headers=actor.headers | {"content-type": "text/csv"},
                       params={"format": "events", "period": PERIOD})


def test_an_event_log_lands_its_clean_plays_and_says_what_cleaning_removed(client, sessions, settings, douyin):
    report = landed(client, douyin, post_events(client, douyin, event_log()))
    assert report["status"] == "landed", report
    # Clean plays only: three people on v1; the burst bot's 40 plays are removed, not paid.
    assert report["totals"]["plays"] == 3
    assert report["totals"]["rejections"] == {"bad_value": 1, "foreign_content": 1}
    cleaning = report["cleaning"]
    assert (cleaning["events"], cleaning["lines_refused"], cleaning["clean_events"],
            cleaning["removed_events"]) == (43, 2, 3, 40)
    assert cleaning["removed"] == [{"channel": "douyin", "rule": "burst", "events_removed": 40,
                                    "plays_removed": 40, "events_total": 43, "plays_total": 43,
                                    "share_of_plays": pytest.approx(40 / 43)}]
    # Refused lines keep the log's own line numbers, in order.
    page = rejections(client, douyin, report["id"])
    assert [(r["line_no"], r["reason"]) for r in page["items"]] == [(5, "foreign_content"), (6, "bad_value")]
    # The usage lines count (landed list); clean and removed events are kept in the lake.
    lake = Lake(settings.lake_dir)
    with unit_of_work(sessions) as s:
        (usage,) = landed_usage_files(s, lake, PERIOD)
    lines = pq.read_table(usage).to_pylist()
    assert [(r["platform_content_id"], r["plays"], r["unique_viewers"], r["channel"]) for r in lines] == [
        ("v1", 3, 3, "douyin")]
    removed = pq.read_table(lake.file(Area.REMOVED, PERIOD, douyin.party_id, report["id"])).to_pylist()
    assert {r["rule"] for r in removed} == {"burst"} and len(removed) == 40
    assert pq.read_metadata(lake.file(Area.EVENTS, PERIOD, douyin.party_id, report["id"])).num_rows == 3


def test_the_operators_thresholds_decide_what_is_removed(settings, sessions, douyin):
    relaxed = settings.model_copy(update={"usage_cleaning": {"burst_plays": 50}})
    relaxed.data_dir.mkdir(parents=True, exist_ok=True)
    with TestClient(create_app(relaxed), raise_server_exceptions=False) as client:
        report = landed(client, douyin, post_events(client, douyin, event_log()))
    assert report["status"] == "landed"
    assert report["totals"]["plays"] == 43  # 40 plays a minute is under this operator's bound
    assert report["cleaning"]["removed"] == []


def test_a_licensee_cannot_report_an_event_log(client, sessions):
    licensee = make_actor(sessions, "品牌 Brand", Role.LICENSEE)
    resp = post_events(client, licensee, event_log())
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["details"][0]["field"] == "format"


def test_a_cut_event_log_is_quarantined_and_nothing_is_cleaned(client, sessions, settings, douyin):
    cut = event_log()[:-20]  # the last line ends mid-field
    report = landed(client, douyin, post_events(client, douyin, cut))
    assert report["status"] == "quarantined" and report["cleaning"] is None
    assert [r["reason"] for r in rejections(client, douyin, report["id"])["items"]][-1] == "truncated"
    assert not Lake(settings.lake_dir).file(Area.EVENTS, PERIOD, douyin.party_id, report["id"]).exists()
    with unit_of_work(sessions) as s:
        assert landed_usage_files(s, Lake(settings.lake_dir), PERIOD) == []
