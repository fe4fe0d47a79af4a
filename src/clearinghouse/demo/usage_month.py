"""The worked example's month of usage: what 抖音 and 快手 report for June 2026, and the demo
submitting it through the usage service and its landing job, then running the period.

The reports are generated from a fixed seed, so docs/examples/ holds the same bytes (a test
checks it) and docs/royalties-worked-example.md can state every figure.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.core.settings import Settings
from clearinghouse.demo.catalogue import EXAMPLE_SONG_ISWC, iswc
from clearinghouse.demo.platform_licences import PERIOD
from clearinghouse.registry import parties_service
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.usage import service as usage_service
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.usage.job import LandingRequest, run_landing
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.records import ReportFormat

SEED = 2026
HEADER = "date,platform_content_id,iswc,isrc,territory,channel,plays"
UNLICENSED_SONG_ISWC = iswc(917_000_000)  # 夏日的风: in the catalogue, never licensed to a platform
UNKNOWN_ISRCS = ("CN-Z99-26-00001", "CN-Z99-26-00002", "CN-Z99-26-00003")  # no such recording


@dataclass(frozen=True)
class PlatformReport:
    platform: str  # party key and channel code
    videos: int  # the platform's videos that use the song, one line per video and day
    plays_low: int
    plays_high: int

    @property
    def file_name(self) -> str:
        return f"{self.platform}-{PERIOD}.csv"


REPORTS = (PlatformReport("douyin", 5, 2_000, 14_000), PlatformReport("kuaishou", 3, 300, 2_500))


def _days() -> list[date]:
    first = date.fromisoformat(f"{PERIOD}-01")
    return [first + timedelta(days=n) for n in range(30)]


def report_csv(report: PlatformReport) -> bytes:
    """The platform's June: the song in its videos every day (in CN), plus what does not pay:
    a day of plays in Hong Kong (another territory), a song it holds no licence for, and
    recordings nobody registered."""
    rng = random.Random(f"{SEED}-{report.platform}")
    prefix = "71" if report.platform == "douyin" else "35"
    rows = []
    for day in _days():
        for video in range(1, report.videos + 1):
            plays = rng.randint(report.plays_low, report.plays_high)
            rows.append(f"{day},{prefix}{video:08d},{EXAMPLE_SONG_ISWC},,CN,{report.platform},{plays}")
    rows.append(f"{PERIOD}-18,{prefix}00000001,{EXAMPLE_SONG_ISWC},,HK,{report.platform},4321")
    rows.append(f"{PERIOD}-20,{prefix}00009001,{UNLICENSED_SONG_ISWC},,CN,{report.platform},2500")
    rows += [f"{PERIOD}-{10 + n:02d},{prefix}0000800{n},,{isrc},CN,{report.platform},{1_000 * (n + 1)}"
             for n, isrc in enumerate(UNKNOWN_ISRCS)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def write_reports(folder: Path) -> list[Path]:
    """The month's reports as files in `folder` (docs/examples/ holds these bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in REPORTS:
        path = folder / report.file_name
        path.write_bytes(report_csv(report))
        paths.append(path)
    return paths


def _submit_and_land(sessions: sessionmaker[Session], read_sessions: sessionmaker[Session],
                     reporter_id: str, path: Path, settings: Settings) -> None:
    data = path.read_bytes()
    sub = usage_service.Submission(ReportFormat.AGGREGATE_CSV, PERIOD,
                                   hashlib.sha256(data).hexdigest(), len(data), encoding="utf-8")
    with unit_of_work(sessions) as s:
        who = parties_service.principal_for(s, parties_service.get_party(s, reporter_id))
        submitted = usage_service.submit(s, who, sub, date.today())
        report_id, attempt, job_id = (submitted.report.id, submitted.report.attempt,
                                      submitted.report.job_id)
    if submitted.land and job_id is not None:
        request = LandingRequest(report_id, attempt, path, settings.lake_dir,
                                 cleaning=CleaningRules.from_config(settings.usage_cleaning))
        JobRunner(sessions, read_sessions).run_here(job_id, partial(run_landing, request=request))


def seed_example_month(sessions: sessionmaker[Session], read_sessions: sessionmaker[Session],
                       settings: Settings, reporters: dict[str, str], operator_id: str) -> bool:
    """Report the month as each platform (`reporters`: platform key → party id) and run it,
    unless it has been run already; whether it ran now."""
    with unit_of_work(read_sessions) as s:
        if runs_repository.current_run(s, PERIOD) is not None:
            return False
    for path in write_reports(settings.data_dir / "demo-usage"):
        _submit_and_land(sessions, read_sessions, reporters[path.name.split("-")[0]], path, settings)
    with unit_of_work(sessions) as s:
        operator = parties_service.principal_for(s, parties_service.get_party(s, operator_id))
        runs_service.run_period(s, Lake(settings.lake_dir), PERIOD, actor=operator)
    return True
