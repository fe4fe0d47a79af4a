"""What cleaning hands on: usage lines of clean plays (counted by hand here), and the clean and
removed events written to the lake."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import ibis
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning import REMOVED_EVENT_SCHEMA, clean_event_file, run_cleaning, usage_lines
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA, UsageKind
from tests.usage.cleaning.logs import stage_bytes
from tests.usage.cleaning.traffic import CST, Content, Traffic, row

SONG = Content("dy_song", 60, "CNA012600001")
CLIP = Content("dy_clip", 20)


def small_log() -> Traffic:
    """Day 5: a plays the song twice and the clip once, b the song once (in Hong Kong); day 6: a
    the song once; c sends one play of the song with a watch longer than the song (removed)."""
    log = Traffic()
    d5, d6 = datetime(2026, 10, 5, 9, tzinfo=CST), datetime(2026, 10, 6, 9, tzinfo=CST)
    log.add("human", row("a", d5, "launch"))
    log.add("human", row("a", d5 + timedelta(seconds=1), "play", watch=60, content=SONG))
    log.add("human", row("a", d5 + timedelta(seconds=70), "play", watch=60, content=SONG))
    log.add("human", row("a", d5 + timedelta(seconds=140), "play", watch=20, content=CLIP))
    log.add("human", row("b", d5, "play", watch=30, content=SONG, territory="HK", province=None))
    log.add("human", row("a", d6, "play", watch=60, content=SONG))
    log.add("bot", row("c", d6, "play", watch=600, content=SONG))
    return log


def test_usage_lines_are_clean_plays_per_day_platform_country_and_content(tmp_path: Path):
    _, events, _ = stage_bytes(small_log().csv_bytes(), tmp_path)
    cleaned = clean_event_file(ibis.duckdb.connect(), str(events))
    table = cleaned.usage_lines(report_id="rep_1", reporter_id="pty_dy", period="2026-10")
    assert table.schema == USAGE_LINE_SCHEMA
    got = [(line.line_no, line.usage_date, line.territory, line.platform_content_id, line.isrc, line.plays,
            line.unique_viewers) for line in usage_lines(table)]
    assert got == [
        (1, date(2026, 10, 5), "CN", "dy_clip", None, 1, 1),
        (2, date(2026, 10, 5), "CN", "dy_song", "CNA012600001", 2, 1),
        (3, date(2026, 10, 5), "HK", "dy_song", "CNA012600001", 1, 1),
        (4, date(2026, 10, 6), "CN", "dy_song", "CNA012600001", 1, 1),  # c's lying play is not paid
    ]
    first = next(usage_lines(table))
    assert (first.kind, first.channel, first.period, first.copies, first.revenue_minor) == \
        (UsageKind.PLAYS, "douyin", "2026-10", 0, None)


def test_a_cleaning_run_lands_clean_and_removed_events_in_the_lake_whole(tmp_path: Path):
    _, events, _ = stage_bytes(small_log().csv_bytes(), tmp_path / "staged")
    lake = Lake(tmp_path / "lake")
    run = run_cleaning(ibis.duckdb.connect(), events, lake=lake, period="2026-10", reporter_id="pty_dy",
                       report_id="rep_1")
    assert (run.clean_events, run.removed_events) == (6, 1)
    removed = pq.read_table(lake.file(Area.REMOVED, "2026-10", "pty_dy", "rep_1"))
    assert [(f.name, f.type) for f in removed.schema] == [(f.name, f.type) for f in REMOVED_EVENT_SCHEMA]
    assert removed.select(["device_id", "rule"]).to_pylist() == [{"device_id": "c", "rule": "impossible_watch"}]
    assert pq.read_table(lake.file(Area.EVENTS, "2026-10", "pty_dy", "rep_1")).num_rows == 6
    assert not list(lake.root.rglob("*.partial"))
    assert run.summary.to_pylist() == [{
        "channel": "douyin", "rule": "impossible_watch", "events_removed": 1, "plays_removed": 1,
        "events_total": 7, "plays_total": 6, "share_of_plays": 1 / 6,
    }]
    assert sum(run.usage.column("plays").to_pylist()) == 5
