"""Society and DSP statements: a CSV of works and the money collected for each.

One row per work (and right, territory): an identifier (our work id, ISWC, ISRC or a title), an
amount and its currency, optionally the right, the territory and a number of uses. Each row is a
usage line of kind AMOUNT: the amount is split among the work's holders, not rated. English and
Chinese headers, UTF-8 or GB18030 (GBK), comma, semicolon or tab separated; the shape
django-music-publisher's royalty calculation reads (any header row, a work id column, an amount
column, a right column or one right for the file) is read too. Negative amounts are adjustments
a society makes to earlier statements and are kept as negative lines (docs/usage-formats.md).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import BinaryIO

from clearinghouse.core import money
from clearinghouse.core.identifiers import InvalidIdentifier
from clearinghouse.core.text import TextRefused, clean
from clearinghouse.usage.formats import society_columns
from clearinghouse.usage.formats.society_columns import ColumnsRefused, map_columns, right_of
from clearinghouse.usage.formats.text_input import (
    ValueRefused,
    country_code,
    currency_code,
    cut_raw,
    minor_units,
    parse_decimal,
    parse_int,
    period_bounds,
    text_lines,
    undecodable,
)
from clearinghouse.usage.formats.text_input import (
    identifier as cached_identifier,
)
from clearinghouse.usage.records import Rejection, RejectionReason, UsageKind, UsageLine

MAX_AMOUNT_MINOR = 10**15  # per row; beyond any society's payment for one work
MAX_UNITS = 10**12
DELIMITERS = (",", ";", "\t")
ID_SOURCES = ("work_id", "iswc", "isrc")
R = RejectionReason


class RowRefused(Exception):
    def __init__(self, reason: RejectionReason, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason, self.message, self.field = reason, message, field


def read_society(
    source: BinaryIO,
    *,
    period: str,
    today: date,
    currency: str | None = None,
    territory: str | None = None,
    right: str | None = None,
    id_source: str = "work_id",
    columns: Mapping[str, str | int] | None = None,
    allow_negative: bool = True,
    encoding: str | None = None,
) -> Iterator[UsageLine | Rejection]:
    """Usage lines (kind AMOUNT) and rejections of a statement CSV, one per row, in file order.

    `currency`, `territory`, `right`: for a file without that column (django-music-publisher's
    statements have none of the first two). `id_source`: what the work id column holds, as
    django-music-publisher's "Work ID Source": our work id, an ISWC or an ISRC. `columns`: field →
    header name or 0-based position, where the headers are not ones this reader knows.
    `allow_negative=False` refuses negative amounts (NEGATIVE) instead of keeping adjustments.
    """
    if id_source not in ID_SOURCES:
        raise ValueError(f"id_source {id_source!r} is not one of {', '.join(ID_SOURCES)}")
    statement = Statement(period, today, currency, territory, right, id_source, allow_negative)
    yield from statement.read(text_lines(source, encoding), columns)


class Statement:
    def __init__(self, period: str, today: date, currency: str | None, territory: str | None,
                 right: str | None, id_source: str, allow_negative: bool) -> None:
        self.period, self.today, self.id_source = period, today, id_source
        self.allow_negative = allow_negative
        first_day, _ = period_bounds(period)
        self.future = first_day > today
        self.default_currency = _default(currency, lambda c: currency_code(c, today), "currency")
        self.default_territory = _default(territory, country_code, "territory")
        self.default_right = _default(right, right_of, "right")
        self.column: dict[str, int] = {}
        self.width = 0
        self.header_problem: str | None = None

    def read(self, lines: Iterator[str], chosen: Mapping[str, str | int] | None) -> Iterator[
            UsageLine | Rejection]:
        first = next(lines, None)
        if first is None:
            yield Rejection(0, R.MALFORMED, "the file is empty: a statement starts with a header row")
            return
        delimiter = max(DELIMITERS, key=first.count)
        rows = csv.reader(_chain(first, lines), delimiter=delimiter, strict=True)
        yield from self.header(rows, chosen)
        yield from self.body(rows, delimiter)

    def body(self, rows: Iterator[list[str]], delimiter: str, offset: int = 0) -> Iterator[
            UsageLine | Rejection]:
        """The items of the rows after the header; `rows` is a csv reader over the file's lines
        after the first `offset` (the vectorised reader hands blocks over from mid-file)."""
        end_line = offset + rows.line_num  # type: ignore[attr-defined]
        while True:
            start_line = end_line + 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                cut = "unexpected end of data" in str(exc)
                yield Rejection(start_line, R.TRUNCATED if cut else R.MALFORMED,
                                f"the row does not parse as CSV: {exc}" + (
                                    " (a quote opened and never closed: the file ended early)"
                                    if cut else ""))
                if cut:
                    return
                end_line = offset + rows.line_num  # type: ignore[attr-defined]
                continue
            end_line = offset + rows.line_num  # type: ignore[attr-defined]
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            yield self.item(start_line, cells, delimiter)

    def item(self, line_no: int, cells: list[str], delimiter: str) -> UsageLine | Rejection:
        """One row's line, or its rejection."""
        try:
            return self._row(line_no, cells)
        except RowRefused as refused:
            raw = cut_raw(delimiter.join(cells))
            return Rejection(line_no, refused.reason, refused.message, refused.field, raw)

    def header(self, rows: Iterator[list[str]], chosen: Mapping[str, str | int] | None
                ) -> Iterator[Rejection]:
        header = next(rows, [])
        self.width = len(header)
        try:
            if undecodable("".join(header)):
                raise ColumnsRefused("the header holds bytes that are not UTF-8 or GB18030")
            self.column = map_columns(header, chosen)
        except ColumnsRefused as exc:
            self.header_problem = str(exc)
        else:
            if "amount" not in self.column:
                self.header_problem = (f"no amount column in the header {header}; name it Amount "
                                       "or 金额, or choose it with columns={'amount': …}")
            elif not {"work_id", "iswc", "isrc", "title"} & self.column.keys():
                self.header_problem = (f"no column identifying the work in the header {header} "
                                       "(Work ID, ISWC, ISRC or Title; 作品编号, 作品名称)")
        if self.header_problem:
            yield Rejection(1, R.MALFORMED, self.header_problem, None, cut_raw(",".join(header)))

    def _cell(self, cells: list[str], field: str) -> str:
        index = self.column.get(field)
        return cells[index].strip() if index is not None else ""

    def _row(self, line_no: int, cells: list[str]) -> UsageLine:
        if self.header_problem:
            raise RowRefused(R.MALFORMED, f"not read: {self.header_problem}")
        if undecodable("".join(cells)):
            raise RowRefused(R.MALFORMED, "the row holds bytes that are not UTF-8 or GB18030")
        if len(cells) != self.width:
            raise RowRefused(R.MALFORMED, f"the row has {len(cells)} cells, the header {self.width}")
        if self.future:
            raise RowRefused(R.FUTURE, f"the report's period {self.period} has not begun (today is "
                           f"{self.today})")
        work_id, iswc, isrc, title = self._identifiers(cells)
        currency = self._currency(cells)
        return UsageLine(
            line_no=line_no, period=self.period, usage_date=None, channel=None,
            territory=self._territory(cells), kind=UsageKind.AMOUNT, plays=self._units(cells),
            revenue_minor=self._amount(cells, currency), currency=currency,
            work_id=work_id, iswc=iswc, isrc=isrc, title=title, right=self._right(cells),
        )

    def _identifiers(self, cells: list[str]) -> tuple[str | None, str | None, str | None, str | None]:
        found = {field: self._cell(cells, field) for field in ("work_id", "iswc", "isrc", "title")}
        if self.id_source != "work_id":  # the work id column holds ISWCs or ISRCs
            found[self.id_source] = found[self.id_source] or found["work_id"]
            found["work_id"] = ""
        for scheme in ("iswc", "isrc"):
            if found[scheme]:
                try:
                    found[scheme] = cached_identifier(scheme, found[scheme])
                except InvalidIdentifier as exc:
                    raise RowRefused(R.BAD_VALUE, str(exc), scheme) from exc
        for field in ("work_id", "title"):
            try:
                found[field] = clean(found[field]) if found[field] else ""
            except TextRefused as exc:
                raise RowRefused(R.BAD_VALUE, f"{field} {exc}", field) from exc
        if not any(found.values()):
            raise RowRefused(R.MISSING_FIELD, "the row names no work (work id, ISWC, ISRC or title)",
                           "work_id")
        return (found["work_id"] or None, found["iswc"] or None, found["isrc"] or None,
                found["title"] or None)

    def _currency(self, cells: list[str]) -> str:
        text = self._cell(cells, "currency")
        if not text:
            if self.default_currency is None:
                raise RowRefused(R.MISSING_FIELD, "no currency: the row has none and the report "
                               "names none", "currency")
            return self.default_currency
        try:
            return currency_code(text, self.today)
        except money.MoneyError as exc:
            raise RowRefused(R.UNKNOWN_CURRENCY, str(exc), "currency") from exc

    def _amount(self, cells: list[str], currency: str) -> int:
        text = self._cell(cells, "amount")
        if not text:
            raise RowRefused(R.MISSING_FIELD, "the row has no amount", "amount")
        try:
            minor = minor_units(parse_decimal(text, "amount"), currency)
        except ValueRefused as exc:
            raise RowRefused(R.BAD_VALUE, str(exc), "amount") from exc
        if minor < 0 and not self.allow_negative:
            raise RowRefused(R.NEGATIVE, f"amount {text} is negative and this report takes no "
                           "adjustments", "amount")
        if abs(minor) > MAX_AMOUNT_MINOR:
            raise RowRefused(R.ABSURD, f"amount {text} {currency} is beyond any one work's "
                           "statement line", "amount")
        return minor

    def _territory(self, cells: list[str]) -> str:
        text = self._cell(cells, "territory")
        if not text:
            if self.default_territory is None:
                raise RowRefused(R.MISSING_FIELD, "no territory: the row has none and the report "
                               "names none", "territory")
            return self.default_territory
        code = country_code(text)
        if code is None:
            raise RowRefused(R.UNKNOWN_TERRITORY, f"territory {text!r} is not an ISO 3166-1 alpha-2 "
                           "country code such as CN or HK", "territory")
        return code

    def _right(self, cells: list[str]) -> str | None:
        text = self._cell(cells, "right")
        if not text:
            return self.default_right
        found = right_of(text)
        if found is None:
            raise RowRefused(R.BAD_VALUE, f"right {text!r} is not one this reader knows: "
                           f"{', '.join(society_columns.RIGHTS)} (or 表演权, 机械复制权, 同步权)",
                           "right")
        return found

    def _units(self, cells: list[str]) -> int:
        text = self._cell(cells, "units")
        if not text:
            return 0
        try:
            units = parse_int(text, "units")
        except ValueRefused as exc:
            raise RowRefused(R.BAD_VALUE, str(exc), "units") from exc
        if units < 0:
            raise RowRefused(R.NEGATIVE, f"units {units} is negative", "units")
        if units > MAX_UNITS:
            raise RowRefused(R.ABSURD, f"units {units} is more than {MAX_UNITS:,}", "units")
        return units


def _default(value: str | None, parse: Callable[[str], str | None], what: str) -> str | None:
    """A report-wide default, checked once: a bad one is the caller's error, not a row's."""
    if value is None:
        return None
    try:
        parsed = parse(value)
    except (money.MoneyError, ValueError) as exc:
        raise ValueError(f"default {what} {value!r}: {exc}") from exc
    if parsed is None:
        raise ValueError(f"default {what} {value!r} is not one this reader knows")
    return str(parsed)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
