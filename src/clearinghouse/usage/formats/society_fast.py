"""Society statements, vectorised: the same lines and rejections as `society.read_society`, in
batches of Arrow rows instead of one Python object per row.

The per-line reader (`society.Statement`) stays the reference. A UTF-8 file whose header row
reads without quotes is read in blocks of `BLOCK_BYTES` cut at a newline; a block with no quote
and no bare carriage return has one record per physical line, so Arrow's CSV parser reads it
(every cell as text, the header's delimiter) and the line numbers come from its newlines. Then,
a column at a time: the cells naming the work, the currency, the territory and the right go
through the per-line reader's own checks once per distinct value; amounts in plain decimals no
finer than the currency's minor unit and units in plain digits are converted with
pyarrow.compute. Every row a check does not take goes through `Statement.item`, so what is
accepted and each rejection's reason and message are the per-line reader's. Handed to the
per-line reader instead:
- the whole file: GB18030, an encoding named by the caller, a quoted or unreadable header, a
  period that has not begun;
- one block: a row of the wrong width, bytes that are not UTF-8, a NUL;
- the rest of the file from a block with a quote or a bare CR (a quoted cell may hold a newline).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from clearinghouse.core.money import currency_exponent
from clearinghouse.usage.formats.aggregate_fast import LineBatch, batched, lines_table
from clearinghouse.usage.formats.aggregate_vector import LINE_SCHEMA
from clearinghouse.usage.formats.society import (
    DELIMITERS,
    ID_SOURCES,
    MAX_AMOUNT_MINOR,
    RowRefused,
    Statement,
    read_society,
)
from clearinghouse.usage.formats.text_input import (
    SNIFF_BYTES,
    UTF8_SIG,
    Replayed,
    detect_encoding,
    text_lines,
)
from clearinghouse.usage.records import Rejection, UsageKind, UsageLine

BLOCK_BYTES = 8 << 20
AMOUNT_DIGITS = 13  # whole units: with the decimals, inside int64 and under MAX_AMOUNT_MINOR
UNIT_DIGITS = 12  # below society.MAX_UNITS
_IDS = ("work_id", "iswc", "isrc", "title")
_NO = object()  # the per-line check refused the value: its rows go to `Statement.item`


def read_society_batches(
    source: BinaryIO, *, period: str, today: date, currency: str | None = None,
    territory: str | None = None, right: str | None = None, id_source: str = "work_id",
    columns: Mapping[str, str | int] | None = None, allow_negative: bool = True,
    encoding: str | None = None,
) -> Iterator[LineBatch]:
    """`read_society`'s lines and rejections, in batches (see the module's doc)."""
    if id_source not in ID_SOURCES:
        raise ValueError(f"id_source {id_source!r} is not one of {', '.join(ID_SOURCES)}")
    statement = Statement(period, today, currency, territory, right, id_source, allow_negative)
    head = source.read(SNIFF_BYTES)

    def per_line() -> Iterator[LineBatch]:
        return batched(read_society(
            io.BufferedReader(Replayed(head, source)), period=period, today=today,
            currency=currency, territory=territory, right=right, id_source=id_source,
            columns=columns, allow_negative=allow_negative, encoding=encoding))

    header = _plain_header(head) if encoding is None else None
    if header is None or statement.future:
        yield from per_line()
        return
    cells, delimiter, body_start = header
    if list(statement.header(iter([cells]), columns)):  # a header problem: every row says so
        yield from per_line()
        return
    reader = _Blocks(statement, delimiter)
    pending, line_no = head[body_start:], 2
    while True:
        chunk = source.read(BLOCK_BYTES)
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        if chunk and cut == 0:
            pending = data  # a line longer than the block: read on
            continue
        block, pending = data[:cut], data[cut:]
        if b'"' in block or block.count(b"\r") != block.count(b"\r\n"):
            rest = io.BufferedReader(Replayed(block + pending, source))
            rows = csv.reader(text_lines(rest, "utf-8"), delimiter=delimiter, strict=True)
            yield from batched(statement.body(rows, delimiter, line_no - 1))
            return
        if block:
            yield reader.block(block, line_no)
        if not chunk:
            return
        line_no += block.count(b"\n")


def _plain_header(head: bytes) -> tuple[list[str], str, int] | None:
    """The header's cells, its delimiter and where the rows start, when the file is UTF-8 and
    the header reads without the csv module's help; else None."""
    if detect_encoding(head) != UTF8_SIG:
        return None
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    end = head.find(b"\n", start)
    if end < 0:
        return None
    try:
        text = head[start:end].decode("utf-8").removesuffix("\r")
    except UnicodeDecodeError:
        return None
    if not text or any(c in text for c in '"\r\x00'):
        return None
    delimiter = max(DELIMITERS, key=text.count)
    return text.split(delimiter), delimiter, end + 1


class _Blocks:
    def __init__(self, statement: Statement, delimiter: str) -> None:
        self.statement, self.delimiter = statement, delimiter
        self.names = [f"c{i}" for i in range(statement.width)]

    def block(self, block: bytes, line_no: int) -> LineBatch:
        parsed = self._parse(block, line_no)
        if parsed is None:  # this block as the per-line reader reads it
            rows = csv.reader(text_lines(io.BytesIO(block), "utf-8"), delimiter=self.delimiter,
                              strict=True)
            items = list(self.statement.body(rows, self.delimiter, line_no - 1))
            return LineBatch(lines_table([i for i in items if isinstance(i, UsageLine)]),
                             [i for i in items if isinstance(i, Rejection)])
        table, line_nos = parsed
        lines, slow = self._checked(table, line_nos)
        if not slow.any():
            return LineBatch(lines)
        taken: list[UsageLine] = []
        rejections: list[Rejection] = []
        indices = np.flatnonzero(slow)
        for number, row in zip(line_nos[indices], table.take(indices).to_pylist(), strict=True):
            cells = list(row.values())
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as the per-line reader skips it
            item = self.statement.item(int(number), cells, self.delimiter)
            (rejections if isinstance(item, Rejection) else taken).append(item)  # type: ignore[arg-type]
        if taken:
            lines = pa.concat_tables([lines, lines_table(taken)])
            lines = lines.take(pc.sort_indices(lines, [("line_no", "ascending")]))
        return LineBatch(lines, rejections)

    def _parse(self, block: bytes, line_no: int) -> tuple[pa.Table, np.ndarray] | None:
        if b"\x00" in block:
            return None
        raw = np.frombuffer(block, np.uint8)
        newlines = np.flatnonzero(raw == 10)
        bounds = np.concatenate(([-1], newlines))
        if not block.endswith(b"\n"):
            bounds = np.append(bounds, len(block))
        lengths = np.diff(bounds) - 1
        ends = bounds[1:] - 1
        carriage = np.zeros(len(lengths), bool)
        inside = ends >= 0
        carriage[inside] = raw[ends[inside]] == 13
        blank = (lengths == 0) | ((lengths == 1) & carriage)
        line_nos = line_no + np.flatnonzero(~blank)
        try:
            table = arrow_csv.read_csv(
                pa.py_buffer(block),
                read_options=arrow_csv.ReadOptions(
                    column_names=self.names, block_size=len(block) + 1, use_threads=False),
                parse_options=arrow_csv.ParseOptions(
                    delimiter=self.delimiter, quote_char=False, ignore_empty_lines=True),
                convert_options=arrow_csv.ConvertOptions(
                    column_types=dict.fromkeys(self.names, pa.string()),
                    strings_can_be_null=False, quoted_strings_can_be_null=False))
        except pa.ArrowInvalid:
            return None  # a row of the wrong width, bytes that are not UTF-8
        if table.num_rows != len(line_nos):
            return None
        return table, line_nos

    def _per_value(self, table: pa.Table, fields: tuple[str, ...],
                   check: Callable[[list[str]], Any]) -> tuple[list[Any], pa.Array]:
        """`check` (a per-line method taking a row's cells) once per distinct combination of the
        row's cells of `fields`: the results (`_NO` where it refuses) and each row's index into
        them."""
        s = self.statement
        present = [f for f in fields if f in s.column]
        encoded = [pc.dictionary_encode(table.column(s.column[f]).combine_chunks()) for f in present]
        combos, at = _combinations([c.indices.to_numpy() for c in encoded],
                                   [len(c.dictionary) for c in encoded], table.num_rows)
        dictionaries = [column.dictionary.to_pylist() for column in encoded]
        results = []
        for combo in combos:
            cells = [""] * s.width
            for field, dictionary, index in zip(present, dictionaries, combo, strict=True):
                cells[s.column[field]] = dictionary[index]
            try:
                results.append(check(cells))
            except RowRefused:
                results.append(_NO)
        return results, pa.array(at.reshape(-1), pa.int64())

    def _checked(self, table: pa.Table, line_nos: np.ndarray) -> tuple[pa.Table, np.ndarray]:
        """The rows taken here (LINE_SCHEMA) and the mask of those left to `Statement.item`."""
        s, n = self.statement, table.num_rows
        ok = np.ones(n, bool)

        def mapped(results: list[Any], indices: pa.Array, pick: Callable[[Any], Any],
                   type_: pa.DataType) -> pa.Array:
            taken = np.array([r is not _NO for r in results], bool)
            ok[:] &= taken[indices.to_numpy()]
            return pa.array([None if r is _NO else pick(r) for r in results], type_).take(indices)

        ids, at = self._per_value(table, _IDS, s._identifiers)
        id_columns = {name: mapped(ids, at, lambda r, i=i: r[i], pa.string())
                      for i, name in enumerate(_IDS)}
        currencies, at = self._per_value(table, ("currency",), s._currency)
        currency = mapped(currencies, at, str, pa.string())
        territories, at = self._per_value(table, ("territory",), s._territory)
        territory = mapped(territories, at, str, pa.string())
        rights, at = self._per_value(table, ("right",), s._right)
        right = mapped(rights, at, lambda r: r, pa.string())
        amount = self._amount(table, currency, ok)
        units = self._units(table, ok)
        columns = {
            "line_no": pa.array(line_nos, pa.int64()), "period": pa.repeat(s.period, n),
            "usage_date": pa.nulls(n, pa.date32()), "channel": pa.nulls(n, pa.string()),
            "territory": territory, "kind": pa.repeat(UsageKind.AMOUNT.value, n),
            "plays": units, "copies": pa.repeat(pa.scalar(0, pa.int64()), n),
            "unique_viewers": pa.nulls(n, pa.int64()), "revenue_minor": amount,
            "currency": currency, "license_id": pa.nulls(n, pa.string()),
            "platform_content_id": pa.nulls(n, pa.string()), **id_columns, "right": right,
        }
        lines = pa.table([columns[f.name] for f in LINE_SCHEMA], schema=LINE_SCHEMA)
        return lines.filter(pa.array(ok)), ~ok

    def _amount(self, table: pa.Table, currency: pa.Array, ok: np.ndarray) -> pa.Array:
        """Plain decimals (a minus sign, digits, at most the currency's decimals) scaled to minor
        units exactly; anything else (spaces, a plus sign, more decimals to round) is `item`'s."""
        n = table.num_rows
        if "amount" not in self.statement.column:
            ok[:] = False
            return pa.nulls(n, pa.int64())
        text = table.column(self.statement.column["amount"]).combine_chunks()
        codes = pc.fill_null(currency, "")
        exponent_of = {c: currency_exponent(c) if c else 0 for c in pc.unique(codes).to_pylist()}
        exponents = pc.take(pa.array(list(exponent_of.values()), pa.int64()),
                            pc.index_in(codes, pa.array(list(exponent_of), pa.string())))
        fits = pa.repeat(False, n)
        for exponent in set(exponent_of.values()):
            decimals = rf"(\.\d{{0,{exponent}}})?" if exponent else r"\.?"
            plain = pc.match_substring_regex(text, rf"^-?\d{{1,{AMOUNT_DIGITS}}}{decimals}$")
            fits = pc.or_(fits, pc.and_(plain, pc.equal(exponents, exponent)))
        negative = pc.starts_with(text, "-")
        if not self.statement.allow_negative:
            fits = pc.and_(fits, pc.invert(negative))
        unsigned = pc.if_else(fits, pc.replace_substring(pc.utf8_ltrim(text, "-"), ".", ""), "0")
        dot = pc.find_substring(text, ".")
        written = pc.if_else(pc.less(dot, 0), 0,
                             pc.subtract(pc.subtract(pc.binary_length(text), dot), 1))
        shift = pc.if_else(fits, pc.subtract(exponents, written), 0)
        scaled = pc.multiply(pc.cast(unsigned, pa.int64()), pc.power(10, shift))
        fits = pc.and_(fits, pc.less_equal(scaled, MAX_AMOUNT_MINOR))
        ok &= pc.fill_null(fits, False).to_numpy(zero_copy_only=False)
        return pc.if_else(negative, pc.negate(scaled), scaled)

    def _units(self, table: pa.Table, ok: np.ndarray) -> pa.Array:
        """Blank is 0; plain digits under the bound are the number; the rest is `item`'s."""
        n = table.num_rows
        if "units" not in self.statement.column:
            return pa.repeat(pa.scalar(0, pa.int64()), n)
        text = table.column(self.statement.column["units"]).combine_chunks()
        plain = pc.and_(pc.ascii_is_decimal(text), pc.less_equal(pc.binary_length(text), UNIT_DIGITS))
        blank = pc.equal(text, "")
        ok &= pc.or_(plain, blank).to_numpy(zero_copy_only=False)
        return pc.cast(pc.if_else(plain, text, "0"), pa.int64())


def _combinations(indices: list[np.ndarray], sizes: list[int], rows: int
                  ) -> tuple[list[list[int]], np.ndarray]:
    """The distinct combinations of the columns' dictionary indices, and each row's combination.
    One int64 per row (mixed radix) where the sizes allow: sorting that is far cheaper than
    sorting rows of several columns."""
    if not indices:
        return ([[]], np.zeros(rows, np.int64)) if rows else ([], np.zeros(0, np.int64))
    if math.prod(sizes) < 2**62:
        key = np.zeros(rows, np.int64)
        for column, size in zip(indices, sizes, strict=True):
            key = key * size + column
        keys, at = np.unique(key, return_inverse=True)
        combos = []
        for value in keys.tolist():
            combo = []
            for size in reversed(sizes):
                value, index = divmod(value, size)
                combo.append(index)
            combos.append(combo[::-1])
        return combos, at.reshape(-1)
    rows_of_indices = np.stack(indices, axis=1)
    unique_rows, at = np.unique(rows_of_indices, axis=0, return_inverse=True)
    return unique_rows.tolist(), at.reshape(-1)
