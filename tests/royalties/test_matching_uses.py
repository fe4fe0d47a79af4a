"""Matching decides once per use (work, party, named licence, right, day, territory, channel),
not once per line: on generated lines, every line's outcome is the one rule 3 gives that line
alone (the reference below, written per line in Python), with days, licences and rights left
empty as often as given."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.royalties.pipeline.match import Inputs
from clearinghouse.royalties.pipeline.run import Outcome, match_to_lake, outcome_file
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA

PERIOD, START, END, REPORTER = "2026-06", date(2026, 6, 1), date(2026, 7, 1), "pty_platform"
SYNC = "synchronisation"
# licence, line, work, licensee, country, channel, valid from, valid to, status
GRANTS = [
    ("lic_1", "lic_1_a", "wrk_0", REPORTER, "CN", "douyin", date(2026, 6, 5), date(2026, 6, 20), "active"),
    ("lic_1", "lic_1_b", "wrk_0", REPORTER, "CN", "douyin", date(2026, 6, 5), date(2026, 6, 20), "active"),
    ("lic_2", "lic_2_a", "wrk_0", REPORTER, "CN", "douyin", date(2026, 1, 1), date(2027, 1, 1), "active"),
    ("lic_2", "lic_2_a", "wrk_0", REPORTER, "HK", "douyin", date(2026, 1, 1), None, "active"),
    ("lic_3", "lic_3_a", "wrk_1", REPORTER, "HK", "kuaishou", date(2026, 6, 10), None, "suspended"),
    ("lic_3", "lic_3_a", "wrk_1", REPORTER, "CN", "kuaishou", date(2026, 6, 10), None, "active"),
    ("lic_4", "lic_4_a", "wrk_1", "pty_other", "CN", "kuaishou", date(2026, 1, 1), None, "active"),
]
CHECKS = ("not_yet_valid", "expired", "other_territory", "other_channel", "not_active")


def _reference(line: dict[str, Any]) -> tuple[Any, ...]:
    """Rule 3 for one line: matched on the smallest covering licence, one row per its line;
    else the nearest grant (most checks passed, then the smaller licence id) and its miss."""
    day = line["usage_date"]
    candidates = []
    for lic, line_id, work, licensee, country, channel, start, end, status in GRANTS:
        if work != line["work_id"] or licensee != REPORTER:
            continue
        if line["license_id"] not in (None, lic) or line["right"] not in (None, SYNC):
            continue
        started = start <= (day or START)
        not_ended = end is None or (day < end if day else end >= END)
        passed = [started, not_ended, country == line["territory"],
                  channel == line["channel"], status == "active"]
        miss = next((reason for reason, ok in zip(CHECKS, passed, strict=True) if not ok), None)
        score = int(started and not_ended) + sum(passed[2:])
        candidates.append((lic, line_id, miss, score))
    covering = [c for c in candidates if c[2] is None]
    if covering:
        chosen = min(c[0] for c in covering)
        return ("matched", chosen, tuple(sorted(c[1] for c in covering if c[0] == chosen)))
    if not candidates:
        return ("unlicensed", "never_licensed", None)
    nearest = min(candidates, key=lambda c: (-c[3], c[0], c[2]))
    return ("unlicensed", nearest[2], nearest[0])


def _lines(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [{
        "report_id": "rpt_uses", "reporter_id": REPORTER, "line_no": n + 2, "period": PERIOD,
        "usage_date": rng.choice([None, START + timedelta(days=rng.randrange(30))]),
        "channel": rng.choice(["douyin", "kuaishou"]), "territory": rng.choice(["CN", "HK"]),
        "kind": "plays", "plays": rng.randrange(1, 100), "copies": 0,
        "work_id": rng.choice(["wrk_0", "wrk_1", "wrk_2"]),
        "license_id": rng.choice([None, None, "lic_1", "lic_2", "lic_3"]),
        "right": rng.choice([None, None, SYNC, "performance"]),
    } for n in range(count)]


def _inputs(folder: Path) -> None:
    folder.mkdir()
    columns = list(zip(*GRANTS, strict=True))
    tables: dict[str, dict[str, Any]] = {
        "grants": {"license_id": columns[0], "line_id": columns[1], "work_id": columns[2],
                   "right": [SYNC] * len(GRANTS), "licensee_id": columns[3],
                   "country": columns[4], "channel": columns[5], "valid_from": columns[6],
                   "valid_to": columns[7], "status": columns[8]},
        "licences": {"license_id": ["lic_1", "lic_2", "lic_3", "lic_4"],
                     "licensee_id": [REPORTER] * 3 + ["pty_other"],
                     "max_plays": [None] * 4, "max_copies": [None] * 4},
        "licence_works": {"license_id": ["lic_1", "lic_2", "lic_3", "lic_4"],
                          "work_id": ["wrk_0", "wrk_0", "wrk_1", "wrk_1"]},
        "works": {"work_id": ["wrk_0", "wrk_1", "wrk_2"]},
    }
    for name, schema in inputs.SCHEMAS.items():
        pq.write_table(pa.table(tables.get(name) or {f.name: [] for f in schema}, schema=schema),
                       folder / f"{name}.parquet")


def test_each_line_gets_the_outcome_rule_3_gives_it_alone(tmp_path):  # noqa: ANN001
    lines = _lines(3_000, seed=14)
    lake = Lake(tmp_path / "lake")
    path = lake.file(Area.USAGE, PERIOD, REPORTER, "rpt_uses")
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(
        [{name: None for name in USAGE_LINE_SCHEMA.names} | ln for ln in lines],
        schema=USAGE_LINE_SCHEMA), path)
    _inputs(tmp_path / "inputs")
    eng = connect("duckdb")
    tables = Inputs(**{name: eng.read_parquet([tmp_path / "inputs" / f"{name}.parquet"], schema)
                       for name, schema in inputs.SCHEMAS.items()})

    counts = match_to_lake(eng, tables, [path], PERIOD, lake, tmp_path / "work")

    got: dict[int, Any] = {}
    for row in pq.read_table(outcome_file(lake, Outcome.MATCHED, PERIOD)).to_pylist():
        _, licence, line_ids = got.get(row["line_no"], ("matched", row["license_id"], ()))
        assert licence == row["license_id"]
        got[row["line_no"]] = ("matched", licence, tuple(sorted((*line_ids, row["license_line_id"]))))
    for row in pq.read_table(outcome_file(lake, Outcome.UNLICENSED, PERIOD)).to_pylist():
        assert row["line_no"] not in got
        got[row["line_no"]] = ("unlicensed", row["reason"], row["nearest_license_id"])
    expected = {ln["line_no"]: _reference(ln) for ln in lines}
    assert got == expected
    assert counts.unmatched == 0
    # The generator reaches every kind of outcome, so the comparison means something.
    assert {o[0] if o[0] == "matched" else o[1] for o in expected.values()} == {
        "matched", "never_licensed", *CHECKS}
