"""kill -9 in the middle of a landing leaves nothing that counts, and landing the same bytes
again gives exactly what a landing that was never interrupted gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.settings import get_settings
from clearinghouse.usage import repository
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.tables import UsageReport
from tests.support.cli import Cli
from tests.support.factories import make_actor
from tests.usage.support import PERIOD

LINES = 300_000  # between four and five row groups: the kill lands well before the end
SRC = Path(__file__).resolve().parents[2] / "src"


def generate(path: Path) -> None:
    channels = ("douyin", "kuaishou", "bilibili", "web")
    with path.open("w", encoding="utf-8") as out:
        out.write("date,platform_content_id,territory,channel,plays,unique_viewers,revenue,currency\n")
        for i in range(LINES):
            plays = -1 if i % 997 == 0 else i % 5000  # a negative line now and then
            out.write(f"{PERIOD}-{i % 28 + 1:02d},v{i},{'CN' if i % 3 else 'HK'},{channels[i % 4]},"
                      f"{plays},{i % 700},{i % 100}.{i % 10}0,CNY\n")


def submit_command(file: Path, reporter: str) -> list[str]:
    return [sys.executable, "-m", "clearinghouse.cli.main", "usage", "submit", str(file),
            "--format", "csv", "--period", PERIOD, "--as", reporter, "--json"]


def report_of(sessions, reporter: str) -> UsageReport:
    with unit_of_work(sessions) as s:
        report = s.scalars(select(UsageReport).where(UsageReport.reporter_id == reporter)).one()
        s.expunge(report)
        return report


def test_a_landing_killed_mid_way_counts_nothing_and_a_rerun_gives_a_clean_runs_totals(
        sqlite_url, tmp_path, monkeypatch):
    from clearinghouse.core.db import make_engine, session_factory

    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    crashed = make_actor(sessions, "清算所 Operator A", Role.OPERATOR)
    clean = make_actor(sessions, "清算所 Operator B", Role.OPERATOR)
    data_dir = tmp_path / "data"
    cli = Cli(monkeypatch, data_dir, sqlite_url)
    lake = Lake(data_dir / "lake")
    report_file = tmp_path / "usage.csv"
    generate(report_file)
    env = os.environ | {"CLEARINGHOUSE_DATA_DIR": str(data_dir),
                        "CLEARINGHOUSE_DATABASE_URL": sqlite_url,
                        "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)])}
    child = subprocess.Popen(submit_command(report_file, crashed.party_id), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        partial = None
        while child.poll() is None:  # until the first row group is on disk under its temp name
            found = [p for p in lake.root.rglob("*.partial") if p.stat().st_size > 0]
            if found:
                partial = found[0]
                break
            time.sleep(0.05)
        assert partial is not None, child.stderr.read().decode() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    killed = report_of(sessions, crashed.party_id)
    assert killed.status == "landing" and killed.lines_read == 0
    with unit_of_work(sessions) as s:
        assert repository.landed_report_ids(s, PERIOD) == []  # nothing of it counts

    rerun = cli("usage", "submit", str(report_file), "--format", "csv", "--period", PERIOD,
                "--as", crashed.party_id, "--json")
    assert rerun.exit_code == 4, rerun.output  # landed, with the negative lines rejected
    reference = cli("usage", "submit", str(report_file), "--format", "csv", "--period", PERIOD,
                    "--as", clean.party_id, "--json")
    assert reference.exit_code == 4, reference.output

    redone, uninterrupted = report_of(sessions, crashed.party_id), report_of(sessions, clean.party_id)
    assert redone.id == killed.id and redone.attempt == 2 and redone.status == "landed"
    assert uninterrupted.attempt == 1
    assert redone.totals == uninterrupted.totals
    assert (redone.lines_read, redone.lines_accepted, redone.lines_rejected) == (
        uninterrupted.lines_read, uninterrupted.lines_accepted, uninterrupted.lines_rejected)
    assert redone.lines_read == LINES and redone.lines_rejected == len(range(0, LINES, 997))
    assert not list(lake.root.rglob("*.partial"))
    for area in (Area.USAGE, Area.REJECTIONS):
        ours = pq.read_table(lake.file(area, PERIOD, crashed.party_id, redone.id))
        theirs = pq.read_table(lake.file(area, PERIOD, clean.party_id, uninterrupted.id))
        drop = [c for c in ("report_id", "reporter_id") if c in ours.column_names]
        assert ours.drop(drop).equals(theirs.drop(drop))
    with unit_of_work(sessions) as s:
        assert sorted(repository.landed_report_ids(s, PERIOD)) == sorted(
            [(redone.id, crashed.party_id), (uninterrupted.id, clean.party_id)])
    engine.dispose()
    get_settings.cache_clear()
