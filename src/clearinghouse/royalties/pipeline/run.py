"""One period's matching: the landed usage files of the given reports through `match.match`, the
three outcomes written to the lake, on DuckDB or Spark alike.

    <lake>/matched/period=2026-10/usage.parquet       MATCHED_USAGE_SCHEMA
    <lake>/unlicensed/period=2026-10/usage.parquet    UNLICENSED_USAGE_SCHEMA
    <lake>/unmatched/period=2026-10/usage.parquet     UNMATCHED_USAGE_SCHEMA

Each file is written beside its final name (`.partial`) and renamed into place only once all
three are complete, so a crash leaves the previous run's files (or none), never a half file.
Running a period again replaces its outcomes.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.expr.types import Table
from sqlalchemy.orm import Session

from clearinghouse.core.settings import get_settings
from clearinghouse.royalties.contracts import (
    MATCHED_USAGE_SCHEMA,
    UNLICENSED_USAGE_SCHEMA,
    UNMATCHED_USAGE_SCHEMA,
)
from clearinghouse.royalties.pipeline import inputs
from clearinghouse.royalties.pipeline.engine import Engine, EngineName, connect
from clearinghouse.royalties.pipeline.match import KEY, Inputs, match, titles_wanted
from clearinghouse.royalties.pipeline.titles import title_key
from clearinghouse.usage.lake import TEMP_SUFFIX, Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA, UsageKind

OUTCOME_FILE = "usage.parquet"
_TITLE_KEYS = pa.schema([("title", pa.string()), ("title_key", pa.string())])


class Outcome(StrEnum):
    MATCHED = "matched"
    UNLICENSED = "unlicensed"
    UNMATCHED = "unmatched"


SCHEMAS: dict[Outcome, pa.Schema] = {
    Outcome.MATCHED: MATCHED_USAGE_SCHEMA,
    Outcome.UNLICENSED: UNLICENSED_USAGE_SCHEMA,
    Outcome.UNMATCHED: UNMATCHED_USAGE_SCHEMA,
}


@dataclass(frozen=True)
class LandedReport:
    """A report the database says has landed: its lake file is complete."""

    report_id: str
    reporter_id: str


@dataclass(frozen=True)
class MatchCounts:
    lines: int  # usage lines read
    matched_rows: int  # rows of the matched table (a line fans out to its licence's lines)
    unlicensed: int
    unmatched: int


def outcome_file(lake: Lake, outcome: Outcome, period: str) -> Path:
    return lake.root / outcome.value / f"period={period}" / OUTCOME_FILE


def period_days(period: str) -> tuple[date, date]:
    """The first day of `period` (YYYY-MM) and the first day after it."""
    year, month = (int(part) for part in period.split("-"))
    start = date(year, month, 1)
    return start, date(year + month // 12, month % 12 + 1, 1)


def run_matching(
    session: Session,
    lake: Lake,
    period: str,
    reports: Sequence[LandedReport],
    *,
    engine: Engine | str = EngineName.DUCKDB,
) -> MatchCounts:
    """Match the period's usage lines of `reports` and write the three outcomes."""
    work = lake.root / "_work" / uuid.uuid4().hex  # beside the lake: Spark workers read it too
    try:
        eng = engine if isinstance(engine, Engine) else _configured(engine, work)
        files = inputs.export(session, work)
        tables = Inputs(**{name: eng.read_parquet([files.path(name)], schema)
                           for name, schema in inputs.SCHEMAS.items()})
        paths = [lake.file(Area.USAGE, period, r.reporter_id, r.report_id) for r in reports]
        return match_to_lake(eng, tables, paths, period, lake, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _configured(name: str, work: Path) -> Engine:
    """An engine by name, DuckDB within the configured memory limit, spilling to the settings'
    folder or else to this run's work folder (removed with it)."""
    settings = get_settings()
    return connect(name, memory_limit=settings.duckdb_memory_limit,
                   temp_directory=settings.duckdb_temp_dir or work / "spill")


def match_to_lake(eng: Engine, tables: Inputs, paths: Sequence[Path], period: str, lake: Lake,
                  work: Path, *, days: tuple[date, date] | None = None) -> MatchCounts:
    """Match the usage files at `paths` against `tables` and write the period's three outcome
    files (replacing the last run's only once all three are complete); `work` is a folder for
    intermediate files, the caller's to remove."""
    work.mkdir(parents=True, exist_ok=True)
    if not paths:  # a period nobody reported: the same plan over no lines
        paths = [work / "no_lines.parquet"]
        pq.write_table(USAGE_LINE_SCHEMA.empty_table(), paths[0])
    lines = eng.read_parquet(paths, USAGE_LINE_SCHEMA)
    title_keys = _title_keys(eng, lines, work / "line_titles.parquet")
    start, end = days or period_days(period)
    outcomes = match(lines, tables, title_keys, period_start=start, period_end=end,
                     used_before=_used_before(eng, lake, period),
                     computed_once=lambda name, table: eng.computed_once(
                         table, work / f"{name}.parquet"),
                     any_bounded=_any_bounded(eng, tables))
    written = {}
    for outcome in Outcome:
        final = outcome_file(lake, outcome, period)
        final.parent.mkdir(parents=True, exist_ok=True)
        written[outcome] = eng.write_parquet(getattr(outcomes, outcome.value), SCHEMAS[outcome],
                                             _partial(final))
    for outcome in Outcome:  # all three complete: now they replace the last run's
        final = outcome_file(lake, outcome, period)
        os.replace(_partial(final), final)
    return MatchCounts(
        lines=eng.count(lines),
        matched_rows=written[Outcome.MATCHED],
        unlicensed=written[Outcome.UNLICENSED],
        unmatched=written[Outcome.UNMATCHED],
    )


def _any_bounded(eng: Engine, tables: Inputs) -> bool:
    """Whether any licence bounds its plays or copies (the small licences table says)."""
    licences = tables.licences
    return eng.count(licences.filter(licences.max_plays.notnull()
                                     | licences.max_copies.notnull())) > 0


def _used_before(eng: Engine, lake: Lake, period: str) -> Table | None:
    """(license_id, kind, used): the plays or copies each licence covered in the periods before
    `period`, from their matched outcomes (a line once, however many licence lines it fanned out
    to); what a licence bounding its uses has left starts there."""
    paths = sorted(p for p in (lake.root / Outcome.MATCHED.value).glob(f"period=*/{OUTCOME_FILE}")
                   if p.parent.name.removeprefix("period=") < period)
    if not paths:
        return None
    m = eng.read_parquet(paths, MATCHED_USAGE_SCHEMA)
    m = m.filter(m.license_id.notnull()).select(
        "period", *KEY, "license_id", "kind", "plays", "copies").distinct()
    used = ibis.ifelse(m.kind == UsageKind.COPIES.value, m.copies, m.plays)
    return m.group_by("license_id", "kind").aggregate(used=used.sum())


def _title_keys(eng: Engine, lines: Table, path: Path) -> Table:
    """The wanted titles of `lines` with their keys, computed here (Unicode normalisation is
    Python's, not an engine's) and handed back to the engine as a file."""
    with pq.ParquetWriter(path, _TITLE_KEYS) as writer:
        wanted = eng.arrow_batches(titles_wanted(lines), pa.schema([("title", pa.string())]))
        for batch in wanted:
            titles = batch.column(0).to_pylist()
            writer.write_batch(pa.record_batch(
                [pa.array(titles, pa.string()), pa.array([title_key(t) for t in titles])],
                schema=_TITLE_KEYS))
    return eng.read_parquet([path], _TITLE_KEYS)


def _partial(final: Path) -> Path:
    return final.with_name(final.name + TEMP_SUFFIX)
