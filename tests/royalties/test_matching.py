"""Matching a period of usage by hand: every reason produced, the fan-out to co-holders' lines,
other parties' licences never matched, every line in exactly one outcome, and the same outcome on
DuckDB and on Spark."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.royalties.pipeline.run import LandedReport, Outcome, outcome_file, run_matching
from clearinghouse.usage.lake import Lake
from tests.royalties.scene import DOUYIN_ID, ISRC, Scene, build, land, line, read
from tests.support.factories import make_actor

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _reports(scene: Scene, lake: Lake, society_id: str) -> list[LandedReport]:
    w, lic = scene.market.work_id, scene.licence["id"]
    licensee = scene.market.licensee.party_id
    return [
        land(lake, licensee, "rpt_licensee", [
            line(1, work_id=w),
            line(2, isrc=ISRC),
            line(3, platform_content_id=DOUYIN_ID),
            line(4, license_id=lic),
            line(5, work_id=w, territory="HK"),
            line(6, work_id=w, channel="bilibili"),
            line(7, work_id=w, usage_date=date(2026, 6, 1)),
            line(8, work_id=w, usage_date=date(2026, 6, 25)),
            line(9, work_id=w, usage_date=None),  # the whole month: the licence starts on the 5th
            line(10, work_id="wrk_unknown"),
            line(11, work_id=w, license_id=scene.unpaid_licence_id),  # someone else's licence
            line(12, isrc="CNA019900009"),
            line(13, work_id=w, channel="kuaishou", kind="copies", plays=0, copies=3),
            line(14, isrc="cn-a01-17-00001"),  # as people type it
        ]),
        land(lake, scene.other.party_id, "rpt_other", [
            line(1, work_id=w),  # its own licence is unpaid
            line(2, work_id=w, license_id=lic),  # 一条's licence: never matched for another party
        ]),
        land(lake, scene.stranger.party_id, "rpt_stranger", [line(1, work_id=w)]),
        land(lake, scene.douyin.party_id, "rpt_douyin", [
            line(1, work_id=w, license_id=lic),  # an uploader's licence on the platform's platform
            line(2, work_id=w),  # the platform itself holds no licence
        ]),
        land(lake, society_id, "rpt_society", [
            line(n, kind="amount", plays=0, usage_date=None, channel=None, revenue_minor=12_345,
                 currency="CNY", **fields)
            for n, fields in enumerate([
                {"title": "月光 ＭＯＯＮＬＩＧＨＴ!", "right": "synchronisation"},
                {"title": "月光 Moonlight", "right": "mechanical"},
                {"title": "TWIN 双生"},
                {"title": "无名 Nameless"},
                {"work_id": w},
            ], start=1)
        ]),
    ]


EXPECTED = {
    ("rpt_licensee", 1): ("matched", None), ("rpt_licensee", 2): ("matched", None),
    ("rpt_licensee", 3): ("matched", None), ("rpt_licensee", 4): ("matched", None),
    ("rpt_licensee", 5): ("unlicensed", "other_territory"),
    ("rpt_licensee", 6): ("unlicensed", "other_channel"),
    ("rpt_licensee", 7): ("unlicensed", "not_yet_valid"),
    ("rpt_licensee", 8): ("unlicensed", "expired"),
    ("rpt_licensee", 9): ("unlicensed", "not_yet_valid"),
    ("rpt_licensee", 10): ("unmatched", "unknown_identifier"),
    ("rpt_licensee", 11): ("unmatched", "unknown_license"),
    ("rpt_licensee", 12): ("unmatched", "unknown_identifier"),
    ("rpt_licensee", 13): ("matched", None), ("rpt_licensee", 14): ("matched", None),
    ("rpt_other", 1): ("unlicensed", "not_active"),
    ("rpt_other", 2): ("unmatched", "unknown_license"),
    ("rpt_stranger", 1): ("unlicensed", "never_licensed"),
    ("rpt_douyin", 1): ("matched", None),
    ("rpt_douyin", 2): ("unlicensed", "never_licensed"),
    ("rpt_society", 1): ("matched", None),
    ("rpt_society", 2): ("unmatched", "no_holder"),
    ("rpt_society", 3): ("unmatched", "ambiguous_title"),
    ("rpt_society", 4): ("unmatched", "unknown_identifier"),
    ("rpt_society", 5): ("matched", None),
}


def _period(client: Any, sessions: Any, root: Path, engine: Any = "duckdb") -> tuple[Scene, Lake, Any]:
    scene = build(client, sessions)
    society = make_actor(sessions, "音著协 MCSC", Role.OWNER)
    lake = Lake(root)
    reports = _reports(scene, lake, society.party_id)
    with sessions() as s:
        counts = run_matching(s, lake, "2026-06", reports, engine=engine)
    return scene, lake, counts


def _outcomes(lake: Lake) -> dict[Outcome, list[dict[str, Any]]]:
    return {o: read(outcome_file(lake, o, "2026-06")) for o in Outcome}


def _key(row: dict[str, Any]) -> tuple[str, int]:
    return row["report_id"], row["line_no"]


def test_every_line_lands_in_exactly_one_outcome_with_its_reason(client, sessions, tmp_path):  # noqa: ANN001
    scene, lake, counts = _period(client, sessions, tmp_path / "lake")
    out = _outcomes(lake)
    found: dict[tuple[str, int], tuple[str, str | None]] = {}
    for row in out[Outcome.UNLICENSED] + out[Outcome.UNMATCHED]:
        assert _key(row) not in found, row
        found[_key(row)] = ("unlicensed" if "work_id" in row else "unmatched", row["reason"])
    matched = {_key(row) for row in out[Outcome.MATCHED]}
    assert not matched & set(found)
    found |= {key: ("matched", None) for key in matched}
    assert found == EXPECTED
    assert counts.lines == len(EXPECTED)
    assert counts.unlicensed + counts.unmatched + len(matched) == counts.lines

    # The evidence: the licence that came closest, and what the reporter sent for unknown works.
    unlicensed = {_key(r): r for r in out[Outcome.UNLICENSED]}
    assert unlicensed["rpt_licensee", 5]["nearest_license_id"] == scene.licence["id"]
    assert unlicensed["rpt_other", 1]["nearest_license_id"] == scene.unpaid_licence_id
    assert unlicensed["rpt_stranger", 1]["nearest_license_id"] is None
    unmatched = {_key(r): r for r in out[Outcome.UNMATCHED]}
    assert unmatched["rpt_licensee", 10]["identifier"] == "work:wrk_unknown"
    assert unmatched["rpt_licensee", 12]["identifier"] == "isrc:CNA019900009"
    assert unmatched["rpt_society", 4]["title"] == "无名 Nameless"
    assert unmatched["rpt_society", 2]["revenue_minor"] == 12_345  # the money stays visible
    assert not list(lake.root.rglob("*.partial"))


@SQLITE_ONLY
def test_a_use_fans_out_to_every_line_of_the_one_covering_licence(client, sessions, tmp_path):  # noqa: ANN001
    scene, lake, counts = _period(client, sessions, tmp_path / "lake")
    matched = read(outcome_file(lake, Outcome.MATCHED, "2026-06"))
    lines = {ln["id"]: ln["holder_id"] for ln in scene.licence["lines"]}
    assert set(lines.values()) == {scene.market.publisher.party_id, scene.market.writer.party_id}
    by_line = Counter(_key(r) for r in matched)
    plays = [r for r in matched if r["report_id"] != "rpt_society"]
    for key in {_key(r) for r in plays}:
        rows = [r for r in plays if _key(r) == key]
        assert {r["license_line_id"] for r in rows} == set(lines), key  # one row per co-holder
        assert {r["license_id"] for r in rows} == {scene.licence["id"]}
        assert {r["work_id"] for r in rows} == {scene.market.work_id}
        assert {r["plays"] for r in rows} == {rows[0]["plays"]}  # the line's own count, not split
    society = [r for r in matched if r["report_id"] == "rpt_society"]
    assert [(r["license_id"], r["right"], r["revenue_minor"]) for r in sorted(society, key=_key)] \
        == [(None, "synchronisation", 12_345), (None, None, 12_345)]
    assert counts.matched_rows == len(matched) == sum(by_line.values())
    assert by_line[("rpt_licensee", 13)] == 2


@SQLITE_ONLY
def test_running_a_period_again_replaces_its_outcomes(client, sessions, tmp_path):  # noqa: ANN001
    scene, lake, first = _period(client, sessions, tmp_path / "lake")
    before = _outcomes(lake)
    reports = [LandedReport("rpt_stranger", scene.stranger.party_id)]
    with sessions() as s:
        again = run_matching(s, lake, "2026-06", reports)
    assert (again.lines, again.matched_rows, again.unlicensed, again.unmatched) == (1, 0, 1, 0)
    assert before[Outcome.MATCHED] and not _outcomes(lake)[Outcome.MATCHED]
    assert first.lines == len(EXPECTED)


@SQLITE_ONLY
def test_a_period_with_no_landed_report_writes_three_empty_outcomes(sessions, tmp_path):  # noqa: ANN001
    lake = Lake(tmp_path / "lake")
    with sessions() as s:
        counts = run_matching(s, lake, "2026-06", [])
    assert (counts.lines, counts.matched_rows, counts.unlicensed, counts.unmatched) == (0, 0, 0, 0)
    for outcome in Outcome:
        assert read(outcome_file(lake, outcome, "2026-06")) == []
    assert not (lake.root / "_work").exists() or not any((lake.root / "_work").iterdir())


@SQLITE_ONLY
def test_duckdb_and_spark_give_identical_outcomes(client, sessions, tmp_path, spark):  # noqa: ANN001
    from clearinghouse.royalties.pipeline.engine import connect

    scene, duck_lake, duck = _period(client, sessions, tmp_path / "duck")
    spark_lake = Lake(tmp_path / "spark")
    for path in (duck_lake.root / "usage").rglob("*.parquet"):
        target = spark_lake.root / path.relative_to(duck_lake.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    reports = [LandedReport(p.stem, p.parent.name.removeprefix("reporter="))
               for p in (spark_lake.root / "usage").rglob("*.parquet")]
    with sessions() as s:
        on_spark = run_matching(s, spark_lake, "2026-06", reports,
                                engine=connect("spark", spark_session=spark))
    assert on_spark == duck
    for outcome in Outcome:
        def rows(lake: Lake) -> list[tuple]:
            return sorted(tuple(r.values()) for r in read(outcome_file(lake, outcome, "2026-06")))  # noqa: B023
        assert rows(spark_lake) == rows(duck_lake), outcome
