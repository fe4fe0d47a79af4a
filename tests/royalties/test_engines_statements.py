"""One period end to end on each engine: the demo's month reported through the CLI into two fresh
data directories, run once with `--engine duckdb` and once with `--engine spark`, and the two
periods' statements compared line by line, amount by amount, trail by trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clearinghouse.access.domain import parse_token
from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.core.settings import get_settings
from clearinghouse.demo.loader import DEMO_KEYS
from clearinghouse.demo.platform_licences import PERIOD
from clearinghouse.demo.usage_month import REPORTS, write_reports
from clearinghouse.registry import repository
from clearinghouse.royalties.matched_usage import lines_behind
from clearinghouse.royalties.pipeline.run import Outcome, outcome_file
from clearinghouse.royalties.tables import StatementLine
from clearinghouse.usage.lake import Lake
from tests.conftest import fresh_sqlite_url
from tests.support.cli import Cli

# Generated per run (and the run's own ids); everything else on a statement line must agree.
PER_RUN = {"id", "run_id", "entry_ids"}


def _token_party(db_url: str, party: str) -> str:
    key = next(k for k in DEMO_KEYS if k.party == party)
    parsed = parse_token(key.token)
    assert parsed is not None
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            found = repository.find_key_by_lookup(s, parsed[0])
            assert found is not None
            return found.party_id
    finally:
        engine.dispose()


def _period_on(engine_name: str, root: Path, template: Path,
               monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The demo (a copy of the one template, so every id is the same) in a fresh data directory;
    the month reported and run on `engine_name`; its statement lines with their trails."""
    root.mkdir()
    db_url = fresh_sqlite_url(template, root)
    cli = Cli(monkeypatch, root / "data", db_url)
    for path, report in zip(write_reports(root / "reports"), REPORTS, strict=True):
        submitted = cli("usage", "submit", str(path), "--format", "csv", "--period", PERIOD,
                        "--as", _token_party(db_url, report.platform))
        assert submitted.exit_code == 0, submitted.output
    ran = cli("royalties", "run", PERIOD, "--engine", engine_name, "--json")
    assert ran.exit_code == 0, ran.output
    run = json.loads(ran.stdout)
    assert run["engine"] == engine_name
    stated = cli("statements", PERIOD, "--format", "json")
    assert stated.exit_code == 0, stated.output
    matched = outcome_file(Lake(root / "data" / "lake"), Outcome.MATCHED, PERIOD)
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            stored = {ln.id: ln for ln in s.scalars(select(StatementLine).where(
                StatementLine.run_id == run["id"]))}
            lines = []
            for row in json.loads(stated.stdout):
                line = stored[row["id"]]
                _, behind = lines_behind(matched, line.license_line_id or "", 0, 1)
                lines.append({k: v for k, v in row.items() if k not in PER_RUN}
                             | {"trail": line.trail, "entries": len(line.entry_ids),
                                "usage_lines": behind, "counts": run["counts"]})
    finally:
        engine.dispose()
    return sorted(lines, key=lambda ln: (ln["license_id"] or "", ln["holder_id"]))


@pytest.mark.slow
def test_one_period_on_duckdb_and_on_spark_gives_identical_statements(
        demo_sqlite_template: Path, spark: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # `spark` first: the CLI's `--engine spark` then finds the suite's one session running.
    try:
        on_duckdb = _period_on("duckdb", tmp_path / "duckdb", demo_sqlite_template, monkeypatch)
        on_spark = _period_on("spark", tmp_path / "spark", demo_sqlite_template, monkeypatch)
    finally:
        get_settings.cache_clear()
    assert len(on_duckdb) == 6  # three holders on each of the two platforms' licences
    assert all(ln["usage_lines"] > 0 and ln["trail"] and ln["entries"] for ln in on_duckdb
               if ln["holder_net_minor"])
    assert on_spark == on_duckdb
