"""Bounds on every number and date the API accepts, as shared Annotated types.

Each bound is within what both SQLite and PostgreSQL store (64-bit integers at most, 32-bit
where the column is) and within what the calendar arithmetic here can compute (a start date plus
the longest term must still be a date), so an out-of-range value is a 422 that names the field,
never a 500 from the database or from `date + timedelta`. The bounds are in the OpenAPI document:
`minimum`/`maximum` for numbers, `formatMinimum`/`formatMaximum` for dates.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

INT32_MAX = 2**31 - 1  # PostgreSQL INTEGER
BIGINT_MAX = 2**63 - 1  # PostgreSQL BIGINT; SQLite's INTEGER is the same 64 bits

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)  # plus the longest term (100 years) is still far from 9999

# A work's length in its type's unit (seconds, words, pages, pixels or bytes): 10^12 is a
# terabyte, or 31,000 years of video; anything longer is a typo.
MAX_WORK_LENGTH = 10**12
MAX_VERSION = INT32_MAX

_DATE_RANGE = {"formatMinimum": EARLIEST_DATE.isoformat(), "formatMaximum": LATEST_DATE.isoformat()}

BoundedDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE, json_schema_extra=_DATE_RANGE)]
"""A calendar date from 1900-01-01 to 2200-12-31."""

WorkLength = Annotated[int, Field(ge=0, le=MAX_WORK_LENGTH)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION, description="The version you read (or send If-Match)")]
