"""Reading event logs: CSV and JSON Lines, UTF-8 and GB18030, every refused line with its reason,
and nothing lost beside it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clearinghouse.usage.cleaning import EVENT_SCHEMA
from clearinghouse.usage.records import REJECTION_SCHEMA
from tests.usage.cleaning.logs import rejections_by_line, stage_bytes

HEADER = "device_id,event_time,event_type,watch_seconds,territory,province,channel,platform_content_id,isrc\n"
GOOD = "d1,2026-10-05T07:30:00+08:00,play,42,cn,cn-bj,抖音,dy_1,CN-A01-26-00001\n"


def test_a_csv_event_is_stored_in_utc_on_the_day_the_platform_wrote(tmp_path: Path):
    staged, events, _ = stage_bytes((HEADER + GOOD).encode(), tmp_path)
    assert (staged.events, staged.rejections) == (1, 0)
    [event] = pq.read_table(events).to_pylist()
    assert event["event_time"] == datetime(2026, 10, 4, 23, 30, tzinfo=UTC)
    assert event["event_date"] == date(2026, 10, 5)  # the platform's own day, not UTC's
    assert (event["channel"], event["territory"], event["province"]) == ("douyin", "CN", "CN-BJ")
    assert (event["isrc"], event["watch_seconds"], event["line_no"]) == ("CNA012600001", 42, 2)


def test_json_lines_and_gb18030_csv_read_like_utf8_csv(tmp_path: Path):
    utf8 = HEADER + GOOD.replace("dy_1", "抖音视频_1")
    _, from_csv, _ = stage_bytes(utf8.encode(), tmp_path / "utf8")
    _, from_gb, _ = stage_bytes(utf8.encode("gb18030"), tmp_path / "gb")
    keys, values = HEADER.strip().split(","), utf8.splitlines()[1].split(",")
    jsonl = json.dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False) + "\n"
    _, from_jsonl, _ = stage_bytes(jsonl.encode(), tmp_path / "jsonl", fmt="jsonl")
    rows = [pq.read_table(p).drop_columns(["line_no"]).to_pylist() for p in (from_csv, from_gb, from_jsonl)]
    assert rows[0] == rows[1] == rows[2]
    assert rows[0][0]["platform_content_id"] == "抖音视频_1"


BAD_LINES = [
    (",2026-10-05T07:30:00+08:00,play,42,CN,,douyin,dy_1,", "missing_field", "device_id"),
    ("d1,2026-10-05T07:30:00,play,42,CN,,douyin,dy_1,", "bad_value", "event_time"),
    ("d1,yesterday,play,42,CN,,douyin,dy_1,", "bad_value", "event_time"),
    ("d1,2026-12-05T07:30:00+08:00,play,42,CN,,douyin,dy_1,", "future", "event_time"),
    ("d1,2026-09-30T23:59:00+08:00,play,42,CN,,douyin,dy_1,", "outside_period", "event_time"),
    ("d1,2026-10-05T07:30:00+08:00,dance,42,CN,,douyin,dy_1,", "bad_value", "event_type"),
    ("d1,2026-10-05T07:30:00+08:00,play,lots,CN,,douyin,dy_1,", "bad_value", "watch_seconds"),
    ("d1,2026-10-05T07:30:00+08:00,play,1e300,CN,,douyin,dy_1,", "absurd", "watch_seconds"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,ZZ,,douyin,dy_1,", "unknown_territory", "territory"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,CN,US-CA,douyin,dy_1,", "bad_value", "province"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,CN,,myspace,dy_1,", "unknown_channel", "channel"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,CN,,douyin,,", "missing_field", "platform_content_id"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,CN,,douyin,,NOTANISRC", "bad_value", "isrc"),
    ("d1,2026-10-05T07:30:00+08:00,play,42,CN", "malformed", None),
]


@pytest.mark.parametrize(("line", "reason", "field"), BAD_LINES)
def test_a_bad_line_is_refused_with_its_reason_and_its_neighbours_are_kept(tmp_path: Path, line: str,
                                                                           reason: str, field: str | None):
    staged, events, rejections = stage_bytes((HEADER + GOOD + line + "\n" + GOOD).encode(), tmp_path)
    assert (staged.events, staged.rejections) == (2, 1)
    assert pq.read_table(events).column("line_no").to_pylist() == [2, 4]
    refused = rejections_by_line(rejections)[3]
    assert (refused["reason"], refused["field"]) == (reason, field)
    assert refused["raw"] == line and refused["report_id"] == "rep_test" and refused["message"]


def test_a_launch_needs_no_content_and_a_negative_watch_is_kept_for_the_rules(tmp_path: Path):
    lines = ["d1,2026-10-05T07:30:00+08:00,launch,,CN,,douyin,,", "d1,2026-10-05T07:31:00Z,play,-5,CN,,douyin,dy_1,"]
    staged, events, _ = stage_bytes((HEADER + "\n".join(lines) + "\n").encode(), tmp_path)
    assert staged.rejections == 0
    assert pq.read_table(events).column("watch_seconds").to_pylist() == [0, -5]


def test_a_header_without_a_required_column_refuses_the_file(tmp_path: Path):
    staged, _, rejections = stage_bytes(b"device_id,event_time\nd1,2026-10-05T07:30:00+08:00\n", tmp_path)
    assert (staged.events, staged.rejections) == (0, 1)
    refused = rejections_by_line(rejections)[1]
    assert refused["reason"] == "missing_field" and "event_type" in refused["message"]


def test_a_non_object_json_line_is_malformed(tmp_path: Path):
    staged, _, rejections = stage_bytes(b'[1, 2]\n{"device_id": \n', tmp_path, fmt="jsonl")
    assert staged.rejections == 2
    assert {r["reason"] for r in rejections_by_line(rejections).values()} == {"malformed"}


def test_staging_streams_in_batches_and_leaves_no_partial_file(tmp_path: Path):
    log = HEADER + "".join(GOOD.replace("d1", f"d{i}") for i in range(250))
    staged, events, rejections = stage_bytes(log.encode(), tmp_path, batch_rows=100)
    assert staged.events == 250
    parquet = pq.ParquetFile(events)
    assert parquet.metadata.num_row_groups == 3  # written 100 at a time, never held whole
    assert parquet.schema_arrow == EVENT_SCHEMA
    assert pq.read_schema(rejections) == REJECTION_SCHEMA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "rejections.parquet"]


def test_a_gb18030_line_after_an_ascii_start_is_read_as_gb18030(tmp_path: Path):
    ascii_lines = "".join(GOOD.replace("d1", f"d{i}").replace("抖音", "douyin") for i in range(400))  # past a peek
    chinese = GOOD.replace("dy_1", "快手视频").replace("抖音", "快手")
    staged, events, _ = stage_bytes((HEADER + ascii_lines).encode() + chinese.encode("gb18030"), tmp_path)
    assert (staged.events, staged.rejections) == (401, 0)
    last = pq.read_table(events).to_pylist()[-1]
    assert (last["platform_content_id"], last["channel"]) == ("快手视频", "kuaishou")


def test_a_file_cut_in_the_middle_of_a_line_says_it_is_truncated(tmp_path: Path):
    staged, events, rejections = stage_bytes((HEADER + GOOD + GOOD[:30]).encode(), tmp_path)
    assert (staged.events, staged.rejections) == (1, 1)
    assert rejections_by_line(rejections)[3]["reason"] == "truncated"
