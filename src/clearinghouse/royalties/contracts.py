"""What the matching pipeline hands on: every clean usage line ends in exactly one of three
tables — matched to a licence line, unlicensed (the work is known, no licence covers the use), or
unmatched (no work could be found). Nothing is dropped: the three sum to the input.

Matched rows fan out: a licence clears a work through several lines (a right from a holder
each), so one usage line matches every line of the covering licence for that work.
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa


class UnmatchedReason(StrEnum):
    UNKNOWN_IDENTIFIER = "unknown_identifier"  # no work has this id / ISRC / ISWC / platform id
    AMBIGUOUS_TITLE = "ambiguous_title"  # a title (society statements) that names several works
    NO_HOLDER = "no_holder"  # the work is known but nobody holds the right reported
    UNKNOWN_LICENSE = "unknown_license"  # a licence id that does not exist or is not the reporter's


class UnlicensedReason(StrEnum):
    NEVER_LICENSED = "never_licensed"  # no licence for this work and party at all
    EXPIRED = "expired"  # a licence that ended before the day of use
    NOT_YET_VALID = "not_yet_valid"
    OTHER_TERRITORY = "other_territory"
    OTHER_CHANNEL = "other_channel"
    NOT_ACTIVE = "not_active"  # revoked, suspended or not yet paid
    OVER_LICENSED_USES = "over_licensed_uses"  # more copies or plays than the licence allows


_KEY = [
    pa.field("period", pa.string(), nullable=False),
    pa.field("report_id", pa.string(), nullable=False),
    pa.field("reporter_id", pa.string(), nullable=False),
    pa.field("line_no", pa.int64(), nullable=False),
]
_AMOUNTS = [
    pa.field("usage_date", pa.date32()),
    pa.field("channel", pa.string()),
    pa.field("territory", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("plays", pa.int64(), nullable=False),
    pa.field("copies", pa.int64(), nullable=False),
    pa.field("revenue_minor", pa.int64()),
    pa.field("currency", pa.string()),
]

MATCHED_USAGE_SCHEMA = pa.schema([
    *_KEY,
    pa.field("work_id", pa.string(), nullable=False),
    pa.field("license_id", pa.string()),  # None for society amounts (split by holdings, not licences)
    pa.field("license_line_id", pa.string()),
    pa.field("right", pa.string()),
    *_AMOUNTS,
])

UNLICENSED_USAGE_SCHEMA = pa.schema([
    *_KEY,
    pa.field("work_id", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),  # UnlicensedReason
    pa.field("nearest_license_id", pa.string()),  # the licence that came closest, as evidence
    *_AMOUNTS,
])

UNMATCHED_USAGE_SCHEMA = pa.schema([
    *_KEY,
    pa.field("reason", pa.string(), nullable=False),  # UnmatchedReason
    pa.field("identifier", pa.string()),  # what the reporter gave, e.g. "isrc:CNA011700001"
    pa.field("title", pa.string()),
    *_AMOUNTS,
])
