"""The one shape of a usage line, whatever format it arrived in, and of a line refused.

Every reader (`usage.formats`) yields `UsageLine`s and `Rejection`s; the lake stores them with
`USAGE_LINE_SCHEMA` and `REJECTION_SCHEMA`; the royalty pipeline reads those columns. Change a
column here and every reader, the lake and the pipeline follow.

Money is integer minor units of `currency` (never a float); counts are integers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import BinaryIO, Protocol

import pyarrow as pa


class ReportFormat(StrEnum):
    AGGREGATE_CSV = "csv"  # our aggregated usage CSV (UTF-8 or GB18030/GBK)
    AGGREGATE_JSONL = "jsonl"  # the same columns as JSON Lines
    DSR = "dsr"  # DDEX DSR flat file (basic audio and UGC profiles)
    SOCIETY = "society"  # a collecting society's or DSP's statement CSV (amounts per work)
    EVENTS = "events"  # an event log (one row per play event), cleaned then aggregated


class UsageKind(StrEnum):
    """What a line's numbers mean for rating."""

    PLAYS = "plays"  # plays / streams, rated per 1,000 plays or by revenue share
    COPIES = "copies"  # copies made or sold, rated per copy
    AMOUNT = "amount"  # money already collected for the work (society statements): split, not rated


@dataclass(frozen=True, slots=True)
class UsageLine:
    """One line of use: who reported it, when, where, for what, and how much.

    At least one way to the work is given: `license_id`, `work_id`, `isrc`, `iswc`,
    `platform_content_id` (with `channel`), or `title` (society statements); matching decides.
    """

    line_no: int  # 1-based line (or record) number in the source file, for the reporter's reasons
    period: str  # YYYY-MM
    usage_date: date | None  # None: the line covers the whole period
    channel: str | None  # a platform code (core.platforms) or a general channel
    territory: str  # ISO 3166-1 alpha-2, upper case
    kind: UsageKind
    plays: int = 0
    copies: int = 0
    unique_viewers: int | None = None
    revenue_minor: int | None = None  # revenue (or, for AMOUNT, the amount to distribute)
    currency: str | None = None  # ISO 4217, with revenue_minor
    license_id: str | None = None
    work_id: str | None = None
    isrc: str | None = None
    iswc: str | None = None
    platform_content_id: str | None = None
    title: str | None = None
    right: str | None = None  # a society statement's right (performance, mechanical), else None


class RejectionReason(StrEnum):
    MALFORMED = "malformed"  # not parseable as the format (wrong columns, bad quoting, bad JSON)
    MISSING_FIELD = "missing_field"
    BAD_VALUE = "bad_value"  # a field of the wrong type or outside its bounds
    NEGATIVE = "negative"  # negative plays, copies or money
    ABSURD = "absurd"  # more than any real platform could report (see the reader's bounds)
    FUTURE = "future"  # a date or period after today
    OUTSIDE_PERIOD = "outside_period"  # a date outside the report's period
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_TERRITORY = "unknown_territory"
    UNKNOWN_CHANNEL = "unknown_channel"
    FOREIGN_CONTENT = "foreign_content"  # a platform reporting another platform's content
    UNSUPPORTED = "unsupported"  # a record or profile the reader documents it does not read
    TRUNCATED = "truncated"  # the file ended early (no footer, a cut line, totals that disagree)
    DUPLICATE_LINE = "duplicate_line"  # the same line twice in one report


@dataclass(frozen=True, slots=True)
class Rejection:
    line_no: int  # 0: the file as a whole
    reason: RejectionReason
    message: str  # for the reporter, in English, naming the field and the value
    field: str | None = None
    raw: str | None = None  # the line as received, cut to RAW_LIMIT characters

    RAW_LIMIT = 500


class Reader(Protocol):
    """A format's reader: the file's lines in order, each as a usage line or a rejection.

    `period` is the report's period (YYYY-MM); `today` bounds dates (no future use). A reader
    streams: it never holds the whole file, so a 50-million-line report reads in bounded memory.
    """

    def __call__(self, source: BinaryIO, *, period: str, today: date) -> Iterator[UsageLine | Rejection]: ...


USAGE_LINE_SCHEMA = pa.schema([
    pa.field("report_id", pa.string(), nullable=False),
    pa.field("reporter_id", pa.string(), nullable=False),
    pa.field("line_no", pa.int64(), nullable=False),
    pa.field("period", pa.string(), nullable=False),
    pa.field("usage_date", pa.date32()),
    pa.field("channel", pa.string()),
    pa.field("territory", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("plays", pa.int64(), nullable=False),
    pa.field("copies", pa.int64(), nullable=False),
    pa.field("unique_viewers", pa.int64()),
    pa.field("revenue_minor", pa.int64()),
    pa.field("currency", pa.string()),
    pa.field("license_id", pa.string()),
    pa.field("work_id", pa.string()),
    pa.field("isrc", pa.string()),
    pa.field("iswc", pa.string()),
    pa.field("platform_content_id", pa.string()),
    pa.field("title", pa.string()),
    pa.field("right", pa.string()),
])

REJECTION_SCHEMA = pa.schema([
    pa.field("report_id", pa.string(), nullable=False),
    pa.field("line_no", pa.int64(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("message", pa.string(), nullable=False),
    pa.field("field", pa.string()),
    pa.field("raw", pa.string()),
])
