"""More uses than licensed: a licence for 1,000 plays covers the first 1,000 reported (by day, then
report, then line), the line that crosses the bound is split, the rest is unlicensed
`over_licensed_uses`; later periods start from what earlier ones used; DuckDB and Spark agree."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearinghouse.royalties.pipeline.run import LandedReport, Outcome, outcome_file, run_matching
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA
from tests.licensing.purchase_support import Market, bought_and_paid, make_market
from tests.royalties.scene import _moved, land, line, read

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _licence_for_1000_plays(client: Any, sessions: Any) -> tuple[Market, dict[str, Any]]:
    m = make_market(sessions)
    licence = bought_and_paid(client, sessions, m, max_plays=1000)
    _moved(sessions, licence["id"], date(2026, 6, 1), date(2026, 8, 1))
    return m, licence


def _june(lake: Lake, m: Market) -> list[LandedReport]:
    w, who = m.work_id, m.licensee.party_id
    return [
        land(lake, who, "rpt_b", [
            line(1, work_id=w, usage_date=date(2026, 6, 10), plays=500, revenue_minor=5_000,
                 currency="CNY"),
            line(2, work_id=w, usage_date=date(2026, 6, 12), plays=300),
            line(3, work_id=w, usage_date=date(2026, 6, 12), plays=600, revenue_minor=6_000,
                 currency="CNY"),  # crosses the bound: 100 covered, 500 not
            line(4, work_id=w, kind="copies", plays=0, copies=7),  # copies are not bounded
        ]),
        land(lake, who, "rpt_a", [
            line(1, work_id=w, usage_date=date(2026, 6, 1), plays=100),  # the first day: first
        ]),
    ]


def _by_line(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """One row per usage line (matched rows fan out to each co-holder's licence line)."""
    return {(r["report_id"], r["line_no"]): r for r in rows}


def test_a_licence_for_1000_plays_covers_the_first_1000_of_1500(client, sessions, tmp_path):  # noqa: ANN001
    m, licence = _licence_for_1000_plays(client, sessions)
    lake = Lake(tmp_path / "lake")
    with sessions() as s:
        counts = run_matching(s, lake, "2026-06", _june(lake, m))
    matched = _by_line(read(outcome_file(lake, Outcome.MATCHED, "2026-06")))
    over = _by_line(read(outcome_file(lake, Outcome.UNLICENSED, "2026-06")))
    assert {k: r["plays"] for k, r in matched.items() if r["kind"] == "plays"} == {
        ("rpt_a", 1): 100, ("rpt_b", 1): 500, ("rpt_b", 2): 300, ("rpt_b", 3): 100}
    assert matched["rpt_b", 4]["copies"] == 7
    assert {k: (r["plays"], r["reason"], r["nearest_license_id"]) for k, r in over.items()} == {
        ("rpt_b", 3): (500, "over_licensed_uses", licence["id"])}
    # The split line's revenue is shared by its parts, to the last minor unit.
    assert (matched["rpt_b", 3]["revenue_minor"], over["rpt_b", 3]["revenue_minor"]) == (1_000, 5_000)
    assert sum(r["plays"] for r in matched.values()) == 1_000
    assert counts.unlicensed == 1 and counts.lines == 5

    # July: the licence's 1,000 plays are spent in June, so July's plays are all over.
    july = [land_july(lake, m)]
    with sessions() as s:
        run_matching(s, lake, "2026-07", july)
    assert read(outcome_file(lake, Outcome.MATCHED, "2026-07")) == []
    assert [(r["plays"], r["reason"]) for r in read(outcome_file(lake, Outcome.UNLICENSED, "2026-07"))] \
        == [(40, "over_licensed_uses")]


def land_july(lake: Lake, m: Market) -> LandedReport:
    who = m.licensee.party_id
    row = {name: None for name in USAGE_LINE_SCHEMA.names} | {"report_id": "rpt_july",
           "reporter_id": who} | line(1, work_id=m.work_id, usage_date=date(2026, 7, 2), plays=40,
                                      period="2026-07")
    path = lake.file(Area.USAGE, "2026-07", who, "rpt_july")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([row], schema=USAGE_LINE_SCHEMA), path)
    return LandedReport("rpt_july", who)


@SQLITE_ONLY
def test_duckdb_and_spark_split_over_licensed_uses_alike(client, sessions, tmp_path, spark):  # noqa: ANN001
    from clearinghouse.royalties.pipeline.engine import connect

    m, _ = _licence_for_1000_plays(client, sessions)
    outcomes: dict[str, list[list[tuple]]] = {}
    for name in ("duckdb", "spark"):
        lake = Lake(Path(tmp_path) / name)
        engine = connect("spark", spark_session=spark) if name == "spark" else connect("duckdb")
        with sessions() as s:
            run_matching(s, lake, "2026-06", _june(lake, m), engine=engine)
        outcomes[name] = [sorted(tuple(r.values()) for r in read(outcome_file(lake, o, "2026-06")))
                          for o in Outcome]
    assert outcomes["spark"] == outcomes["duckdb"]
    assert any("over_licensed_uses" in row for row in outcomes["spark"][1])
