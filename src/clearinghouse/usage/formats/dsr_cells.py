"""Cell values of DSR records: dates, identifiers, counts and money, each refused with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clearinghouse.core import money
from clearinghouse.core.identifiers import InvalidIdentifier
from clearinghouse.usage.formats.text_input import ValueRefused, minor_units, parse_decimal, period_bounds
from clearinghouse.usage.formats.text_input import identifier as cached_identifier
from clearinghouse.usage.records import RejectionReason

MAX_USAGES = 10**12  # per record: a trillion plays is beyond any platform's month
MAX_REVENUE_MINOR = 10**15
_DSR_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
R = RejectionReason
CELL_SEPARATOR = "\t"
ESCAPE = "\\"  # Part 1: a backslash makes the next character (a tab, a |, itself) plain text


def split_cells(text: str) -> list[str]:
    """A record's cells: split at tabs, a backslash-escaped tab staying in its cell."""
    if ESCAPE not in text:
        return text.split(CELL_SEPARATOR)
    cells, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == ESCAPE:
            escaped = True
        elif char == CELL_SEPARATOR:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
    cells.append("".join(current))
    return cells


class Refused(Exception):
    def __init__(self, reason: RejectionReason, message: str, cell: str | None = None) -> None:
        super().__init__(message)
        self.reason, self.message, self.cell = reason, message, cell


@dataclass
class Resource:
    """What a block says about a recording or release a usage record may point to."""

    dsp_id: str | None
    isrc: str | None = None
    iswc: str | None = None
    title: str | None = None


def dsr_date(text: str, what: str, end: bool = False) -> date:
    """YYYY[-MM[-DD]]; a year or month alone means its first day, or its last when `end`."""
    found = _DSR_DATE.fullmatch(text)
    try:
        if not found:
            raise ValueError
        year, month, day = int(found[1]), found[2], found[3]
        if day:
            return date(year, int(month), int(day))
        bounds = period_bounds(f"{year:04d}-{month}") if month else (date(year, 1, 1), date(year, 12, 31))
        return bounds[1] if end else bounds[0]
    except (ValueError, ValueRefused) as exc:
        raise Refused(R.BAD_VALUE, f"{what} {text!r} is not a date (YYYY-MM-DD)", what) from exc


def identifier(scheme: str, text: str, cell: str) -> str | None:
    first = text.split("|", 1)[0].strip()  # a multi-value cell: the first value
    if not first:
        return None
    try:
        return cached_identifier(scheme, first)
    except InvalidIdentifier as exc:
        raise Refused(R.BAD_VALUE, f"{cell}: {exc}", cell) from exc


def usage_count(text: str, cell: str) -> int:
    try:
        value = parse_decimal(text, cell)
    except ValueRefused as exc:
        raise Refused(R.BAD_VALUE, str(exc), cell) from exc
    if value < 0:
        raise Refused(R.NEGATIVE, f"{cell} {text} is negative", cell)
    if value > MAX_USAGES:
        raise Refused(R.ABSURD, f"{cell} {text} is more than {MAX_USAGES:,} in one record", cell)
    return money.round_half_even(value)  # UGC usages may be fractional (shared use)


def net_revenue(text: str, currency: str | None) -> int:
    try:
        value: Decimal = parse_decimal(text, "NetRevenue")
    except ValueRefused as exc:
        raise Refused(R.BAD_VALUE, str(exc), "NetRevenue") from exc
    if currency is None:
        raise Refused(R.MISSING_FIELD, "NetRevenue is given but neither the summary record nor "
                       "the report names its currency", "Currency")
    if value < 0:
        raise Refused(R.NEGATIVE, f"NetRevenue {text} is negative", "NetRevenue")
    minor = minor_units(value, currency)
    if minor > MAX_REVENUE_MINOR:
        raise Refused(R.ABSURD, f"NetRevenue {text} {currency} is beyond any one record", "NetRevenue")
    return minor


def set_identifier(resource: Resource, scheme: str, text: str, cell: str) -> Refused | None:
    """Set the resource's identifier from `text` if it has one; a bad one is returned, unset."""
    try:
        value = identifier(scheme, text, cell)
    except Refused as refused:
        return refused
    if value:
        setattr(resource, scheme, value)
    return None
