"""Deal flow: the operator imports deal records; any signed-in party reads the summary (the
deals are public market data, as the report's table is)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.analytics.deals import repository
from clearinghouse.analytics.deals.csv_reading import read_deals
from clearinghouse.analytics.deals.domain import (
    Conventions,
    Deal,
    DealSummary,
    months_of_quarter,
    summarize,
)
from clearinghouse.analytics.deals.tables import DealImport
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed


@dataclass(frozen=True)
class ParsedFile:
    """A deal file read and checked before any transaction is opened."""

    sha256: str
    deals: list[Deal]


@dataclass(frozen=True)
class Imported:
    record: DealImport
    created: bool  # False: the same file was imported before, and this is that import


def parse_file(data: bytes) -> ParsedFile:
    """Every line checked; any problem refuses the whole file (422, each line and column named)."""
    read = read_deals(data)
    if read.problems:
        raise ValidationFailed(
            f"the deal file has {read.problem_count} problem(s); nothing was imported",
            details=[{"field": f"line {p.line}" + (f": {p.field}" if p.field else ""),
                      "message": p.message} for p in read.problems])
    return ParsedFile(hashlib.sha256(data).hexdigest(), read.deals)


def import_deals(db: Session, caller: Principal, parsed: ParsedFile, label: str) -> Imported:
    if not caller.is_operator:
        raise Forbidden("only the operator imports deal records")
    existing = repository.import_by_sha256(db, parsed.sha256)
    if existing is not None:
        return Imported(existing, created=False)
    record = repository.add_import(db, label=label, sha256=parsed.sha256, deals=parsed.deals,
                                   imported_by=caller.party_id)
    return Imported(record, created=True)


def chosen_import(db: Session, import_id: str | None) -> DealImport:
    record = repository.get_import(db, import_id) if import_id else repository.latest_import(db)
    if record is None:
        raise NotFound("no such deal import" if import_id else "no deal records are imported yet")
    return record


def summary(db: Session, record: DealImport, conventions: Conventions,
            quarter: str | None = None) -> DealSummary:
    try:
        months = list(months_of_quarter(quarter)) if quarter else None
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="quarter") from exc
    return summarize(repository.deals_of(db, record.id, months), conventions)
