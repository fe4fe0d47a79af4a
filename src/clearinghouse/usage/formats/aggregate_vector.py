"""The checks of `aggregate_columns.LineChecker`, a column at a time (pyarrow.compute).

A row is taken here only when its values are in a form whose result is certain: plain digits,
an ISO date, a code or channel that the checker itself resolved (once per distinct value in the
batch). Every other row goes back to the checker, line by line, so that what is accepted and
every rejection's reason and message are exactly the per-line reader's. Faults are rare; the
common row never touches Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.core.identifiers import InvalidIdentifier
from clearinghouse.core.money import MoneyError, check_circulating_currency, currency_exponent
from clearinghouse.usage.formats.aggregate_columns import (
    IDENTIFIER_COLUMNS,
    MAX_REVENUE_MINOR,
    MAX_TEXT,
    LineChecker,
    Refused,
    _text,
)
from clearinghouse.usage.formats.text_input import identifier
from clearinghouse.usage.records import USAGE_LINE_SCHEMA, UsageKind

# The lake's columns less the two the writer adds (report_id, reporter_id).
LINE_SCHEMA = pa.schema(list(USAGE_LINE_SCHEMA)[2:])
_NO = object()  # a distinct value the checker refuses: its rows go back to the checker
COUNT_DIGITS = {"plays": 12, "copies": 12, "unique_viewers": 10}  # below MAX_COUNT, MAX_VIEWERS
MINOR_DIGITS = 15  # revenue_minor: below MAX_REVENUE_MINOR
STORED_ISRC = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"  # `core.identifiers._ISRC`, already compact
AMOUNT_DIGITS = 13  # whole units of revenue: with the decimals, well inside int64


def _column(table: pa.Table, name: str) -> pa.Array:
    """The column as written, or empty strings when the header does not have it."""
    if name not in table.column_names:
        return pa.repeat(pa.scalar("", pa.string()), table.num_rows)
    return table.column(name).combine_chunks()


def _distinct(values: pa.Array, fn: Callable[[str], Any], type_: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """`fn` applied once per distinct value (`_NO` where it refuses): the results and a mask."""
    encoded = pc.dictionary_encode(values)
    results = [fn(v) for v in encoded.dictionary.to_pylist()]
    mapped = pa.array([None if r is _NO else r for r in results], type_).take(encoded.indices)
    ok = pa.array([r is not _NO for r in results], pa.bool_()).take(encoded.indices)
    return mapped, ok


def _refusing(fn: Callable[[str], Any]) -> Callable[[str], Any]:
    def call(value: str) -> Any:
        try:
            return fn(value)
        except (Refused, InvalidIdentifier, MoneyError):
            return _NO
    return call


def _identifier(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`_text`: trimmed (Arrow's and Python's whitespace are the same set: a test checks),
    empty → null, longer than MAX_TEXT → the checker's."""
    trimmed = pc.utf8_trim_whitespace(values)
    ok = pc.less_equal(pc.utf8_length(trimmed), MAX_TEXT)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed), ok


def _count(values: pa.Array, digits: int) -> tuple[pa.Array, pa.Array]:
    """`_count`: blank → null; plain ASCII digits short enough to be under the bound → the int."""
    trimmed = pc.utf8_trim_whitespace(values)
    plain = pc.and_(pc.ascii_is_decimal(trimmed), pc.less_equal(pc.binary_length(trimmed), digits))
    number = pc.cast(pc.if_else(plain, trimmed, "0"), pa.int64())
    blank = pc.equal(trimmed, "")
    return pc.if_else(blank, pa.scalar(None, pa.int64()), number), pc.or_(blank, plain)


class BatchChecker:
    """One report's vectorised checks; the per-line `checker` holds the caches both share."""

    def __init__(self, checker: LineChecker) -> None:
        self.checker = checker

    def check(self, table: pa.Table, line_nos: np.ndarray) -> tuple[pa.Table, np.ndarray]:
        """The rows taken here (LINE_SCHEMA) and the mask of those left to the checker."""
        c = self.checker
        ok: list[pa.Array] = []

        def keep(values_ok: tuple[pa.Array, pa.Array]) -> pa.Array:
            ok.append(values_ok[1])
            return values_ok[0]

        usage_date = keep(_distinct(_column(table, "date"),
                                    _refusing(lambda v: c._date(_text("date", v))), pa.date32()))
        keep(_distinct(_column(table, "period"),
                       _refusing(lambda v: c._period(_text("period", v), None)), pa.null()))
        ids = {name: keep(self._identifier(table, name)) for name in IDENTIFIER_COLUMNS}
        ok.append(pc.or_(pc.or_(pc.is_valid(ids["license_id"]), pc.is_valid(ids["work_id"])),
                         pc.or_(pc.or_(pc.is_valid(ids["isrc"]), pc.is_valid(ids["iswc"])),
                                pc.is_valid(ids["platform_content_id"]))))
        territory = keep(_distinct(_column(table, "territory"),
                                   _refusing(lambda v: c._territory(_text("territory", v))),
                                   pa.string()))
        channel = keep(_distinct(_column(table, "channel"),
                                 _refusing(lambda v: c._channel(_text("channel", v))), pa.string()))
        counts = {name: keep(_count(_column(table, name), digits))
                  for name, digits in COUNT_DIGITS.items()}
        ok.append(pc.or_(pc.is_valid(counts["plays"]), pc.is_valid(counts["copies"])))
        revenue, currency = self._revenue(table, ok)
        kind = pc.if_else(pc.is_valid(counts["plays"]), UsageKind.PLAYS.value, UsageKind.COPIES.value)
        n = table.num_rows
        good = ok[0]
        for mask in ok[1:]:
            good = pc.and_(good, mask)
        good_np = pc.fill_null(good, False).to_numpy(zero_copy_only=False)
        columns = {
            "line_no": pa.array(line_nos, pa.int64()), "period": pa.repeat(c.period, n),
            "usage_date": usage_date, "channel": channel, "territory": territory, "kind": kind,
            "plays": pc.fill_null(counts["plays"], 0), "copies": pc.fill_null(counts["copies"], 0),
            "unique_viewers": counts["unique_viewers"], "revenue_minor": revenue,
            "currency": currency, **ids,
            "title": pa.nulls(n, pa.string()), "right": pa.nulls(n, pa.string()),
        }
        lines = pa.table([columns[f.name] for f in LINE_SCHEMA], schema=LINE_SCHEMA)
        return lines.filter(pa.array(good_np)), ~good_np

    def _identifier(self, table: pa.Table, name: str) -> tuple[pa.Array, pa.Array]:
        values, ok = _identifier(_column(table, name))
        if name not in ("isrc", "iswc") or values.null_count == len(values):
            return values, ok
        # An ISRC in stored form is its own normal form; anything else is normalised once per
        # distinct value (and cached across batches).
        stored = pc.match_substring_regex(values, STORED_ISRC) if name == "isrc" else \
            pa.repeat(False, len(values))
        stored = pc.fill_null(stored, False)
        if pc.all(pc.or_(stored, pc.is_null(values))).as_py():
            return values, ok
        others = pc.if_else(stored, pa.scalar(None, pa.string()), values)
        normalized, known = _distinct(others, _refusing(
            lambda v: None if v is None else identifier(name, v)), pa.string())
        return pc.if_else(stored, values, normalized), pc.and_(ok, pc.fill_null(known, True))

    def _revenue(self, table: pa.Table, ok: list[pa.Array]) -> tuple[pa.Array, pa.Array]:
        """`LineChecker._revenue`: an amount in plain decimals no finer than the currency's
        minor unit, or plain minor units, with a currency the checker knows."""
        today = self.checker.today

        def code(value: str) -> Any:
            text = _text("currency", value)
            return _NO if text is None else check_circulating_currency(text, today)

        currency_text = _column(table, "currency")
        ok.append(_identifier(currency_text)[1])  # `_text` bounds every text column
        amount = pc.utf8_trim_whitespace(_column(table, "revenue"))
        minor = _column(table, "revenue_minor")
        none = pc.and_(pc.equal(amount, ""), pc.equal(minor, ""))
        if pc.all(none).as_py():
            return pa.nulls(table.num_rows, pa.int64()), pa.nulls(table.num_rows, pa.string())
        codes, known = _distinct(currency_text, _refusing(code), pa.string())
        exponents = pc.fill_null(_distinct(codes, _refusing(
            lambda v: 0 if v is None else currency_exponent(v)), pa.int64())[0], 0)
        by_minor, minor_ok = _count(minor, MINOR_DIGITS)
        # An amount: digits, then at most `exponent` decimals; scaled to minor units exactly.
        amount_ok = pa.repeat(False, table.num_rows)
        for exponent in pc.unique(exponents).to_pylist():
            decimals = rf"(\.\d{{1,{exponent}}})?" if exponent else ""
            fits = pc.match_substring_regex(amount, rf"^\d{{1,{AMOUNT_DIGITS}}}{decimals}$")
            amount_ok = pc.or_(amount_ok, pc.and_(fits, pc.equal(exponents, exponent)))
        dot = pc.find_substring(amount, ".")
        written = pc.if_else(pc.less(dot, 0), 0,
                             pc.subtract(pc.subtract(pc.binary_length(amount), dot), 1))
        digits = pc.cast(pc.if_else(amount_ok, pc.replace_substring(amount, ".", ""), "0"), pa.int64())
        shift = pc.if_else(amount_ok, pc.subtract(exponents, written), 0)
        scaled = pc.multiply(digits, pc.power(10, shift))
        amount_ok = pc.and_(amount_ok, pc.less_equal(scaled, MAX_REVENUE_MINOR))
        given = pc.not_equal(amount, "")
        value = pc.if_else(given, scaled, by_minor)
        value_ok = pc.if_else(given, amount_ok, pc.and_(minor_ok, pc.is_valid(by_minor)))
        ok.append(pc.or_(none, pc.and_(value_ok, known)))
        return (pc.if_else(none, pa.scalar(None, pa.int64()), value),
                pc.if_else(none, pa.scalar(None, pa.string()), codes))
