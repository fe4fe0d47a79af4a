"""Aggregated usage as JSON Lines, vectorised: the same lines and the same rejections as
`aggregate.read_jsonl`, in batches of Arrow rows (`aggregate_fast.LineBatch`).

The first object decides each key's Arrow type (text, a whole number, or, for plays, copies,
viewers and revenue, a JSON number with a fraction); pyarrow.json then reads the file in blocks
of `BLOCK_BYTES` cut at a newline with that schema, strictly: a block where any line has
another key, another type, a key twice, or is not one JSON object fails to parse and is read
by the per-line reader instead (numbered where it starts). The values are turned back into the
text the per-line reader would see (a whole number's digits; a fraction's shortest digits, which
are `repr`'s) and checked with `aggregate_vector.BatchChecker`; rows it does not take, and
blocks with a bare CR (a line break for the per-line reader), a control byte, a U+FFFD or a line
over `MAX_LINE`, go line by line through the per-line reader's own code, so every rejection is
word for word the same. GB18030 files are transcoded to UTF-8 a block at a time. Memory: a
block, its Arrow columns and the longest line.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import json as pajson

from clearinghouse.usage.formats import text_input
from clearinghouse.usage.formats.aggregate import (
    GB18030,
    MAX_LINE,
    SNIFF_BYTES,
    detect_encoding,
    json_line,
    read_jsonl,
    read_jsonl_rows,
)
from clearinghouse.usage.formats.aggregate_columns import LineChecker, column_for
from clearinghouse.usage.formats.aggregate_fast import BLOCK_BYTES, LineBatch, batched, lines_table
from clearinghouse.usage.formats.aggregate_vector import BatchChecker
from clearinghouse.usage.records import Rejection, UsageLine

# Columns whose JSON numbers with a fraction the checker takes as numbers: a fraction elsewhere
# (a work id 1.50) would be read by Python as "1.5", so there the key is text and a number
# sends its block line by line.
NUMBER_COLUMNS = frozenset({"plays", "copies", "unique_viewers", "revenue", "revenue_minor"})


def _schema(lines: list[str]) -> tuple[pa.Schema, dict[str, str]] | None:
    """The Arrow type of each key the first objects of the file have, and the column each key
    is; None when there is none. A key that is no column, or a second key for one column, is
    left out (the lines that have it fail to parse, so go line by line)."""
    kinds: dict[str, set[type]] = {}
    columns: dict[str, str] = {}
    for line in lines:
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            column = column_for(key)
            if column is None or (key not in columns and column in columns.values()):
                continue
            columns[key] = column
            if item is not None:
                kinds.setdefault(key, set()).add(type(item))
    if not columns:
        return None
    fields = []
    for key, column in columns.items():
        seen = kinds.get(key, set())
        if seen == {int}:
            type_ = pa.int64()
        elif seen and seen <= {int, float} and column in NUMBER_COLUMNS:
            type_ = pa.float64()
        else:
            type_ = pa.string()
        fields.append(pa.field(key, type_))
    return pa.schema(fields), columns


def _first_lines(body: bytes, encoding: str) -> list[str]:
    """The whole lines of `body` (the first block of the file), decoded."""
    text = body[:body.rfind(b"\n") + 1].decode(encoding, errors="replace")
    return [line for line in text.split("\n") if line.strip()]


def read_jsonl_batches(source: BinaryIO, *, period: str, today: date) -> Iterator[LineBatch]:
    """`aggregate.read_jsonl`'s lines and rejections, in batches (see the module's doc)."""
    head = source.read(SNIFF_BYTES)
    encoding = detect_encoding(head)
    body = head.removeprefix(codecs.BOM_UTF8)
    found = _schema(_first_lines(body, encoding))
    if found is None:
        yield from batched(read_jsonl(_chained(head, source), period=period, today=today))
        return
    reader = _BlockReader(*found, LineChecker(period, today), encoding)
    pending, line_no = body, 1
    while True:
        chunk = source.read(BLOCK_BYTES)
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        if chunk and cut == 0 and len(data) <= MAX_LINE:
            pending = data  # a line longer than what is left of the block: read on
            continue
        block, pending = data[:cut], data[cut:]
        bare_cr = b"\r" in block and block.count(b"\r") != block.count(b"\r\n")
        if (chunk and cut == 0) or bare_cr:  # from here the per-line reader numbers the lines
            yield from batched(read_jsonl_rows(_chained(block + pending, source), reader.checker,
                                               encoding=encoding, first_line=line_no))
            return
        if block:
            yield reader.block(block, line_no, final=not chunk)
        if not chunk:
            return
        line_no += block.count(b"\n")


def _chained(head: bytes, source: BinaryIO) -> BinaryIO:
    return io.BufferedReader(text_input.Replayed(head, source))


class _BlockReader:
    def __init__(self, schema: pa.Schema, columns: dict[str, str], checker: LineChecker,
                 encoding: str) -> None:
        self.schema, self.columns, self.checker, self.encoding = schema, columns, checker, encoding
        self.vector = BatchChecker(checker)

    def block(self, block: bytes, line_no: int, *, final: bool) -> LineBatch:
        parsed = self._parse(block, line_no)
        if parsed is None:
            items = list(read_jsonl_rows(io.BytesIO(block), self.checker, encoding=self.encoding,
                                         first_line=line_no))
            return LineBatch(lines_table([i for i in items if isinstance(i, UsageLine)]),
                             [i for i in items if isinstance(i, Rejection)])
        table, line_nos, starts, ends, text = parsed
        lines, slow = self.vector.check(table, line_nos)
        if not slow.any():
            return LineBatch(lines)
        unterminated = final and not text.endswith(b"\n")
        taken: list[UsageLine] = []
        rejections: list[Rejection] = []
        for index in np.flatnonzero(slow):
            number = int(line_nos[index])
            raw = text[starts[index]:ends[index]].decode()
            item = json_line(number, raw, self.checker, last=unterminated and ends[index] == len(text),
                             encoding=self.encoding)
            (rejections if isinstance(item, Rejection) else taken).append(item)  # type: ignore[arg-type]
        if taken:
            lines = pa.concat_tables([lines, lines_table(taken)])
            lines = lines.take(pc.sort_indices(lines, [("line_no", "ascending")]))
        return LineBatch(lines, rejections)

    def _parse(self, block: bytes, line_no: int
               ) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray, bytes] | None:
        """The block's objects as the text the checker reads, their line numbers, where each
        line starts and ends in the (UTF-8) block, and that block; None when the block is one
        for the per-line reader."""
        if self.encoding == GB18030:
            decoded = block.decode(GB18030, errors="replace")
            if "\ufffd" in decoded:
                return None
            block = decoded.encode()
        else:
            try:  # Arrow's JSON parser does not check that strings are UTF-8
                block.decode()
            except UnicodeDecodeError:
                return None
        if b"\xef\xbf\xbd" in block:
            return None
        data = np.frombuffer(block, np.uint8)
        if np.count_nonzero(data < 32) != sum(block.count(c) for c in (b"\n", b"\r", b"\t")):
            return None  # a control character: the per-line reader says what it makes of it
        newlines = np.flatnonzero(data == 10)
        starts = np.concatenate(([0], newlines + 1))
        ends = np.append(newlines, len(block))
        if block.endswith(b"\n"):
            starts, ends = starts[:-1], ends[:-1]
        if len(starts) and (ends - starts).max() > MAX_LINE:
            return None
        # A line is empty (or a lone CR) or one object from its first byte to its last: other
        # lines (spaces around, a `null`, which crashes pyarrow 26's reader) go line by line.
        stops = ends - ((ends > starts) & (data[np.maximum(ends - 1, 0)] == 13))
        kept = stops > starts
        if not ((data[starts[kept]] == ord("{")).all() and (data[stops[kept] - 1] == ord("}")).all()):
            return None
        try:
            table = pajson.read_json(
                pa.py_buffer(block),
                read_options=pajson.ReadOptions(use_threads=False, block_size=len(block) + 1),
                parse_options=pajson.ParseOptions(explicit_schema=self.schema,
                                                  unexpected_field_behavior="error"))
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None  # another key or type, a key twice, not an object, bytes not UTF-8
        if table.num_rows != int(kept.sum()):
            return None  # two objects on a line
        text_columns = {self.columns[name]: pc.fill_null(pc.cast(table.column(name), pa.string()), "")
                        for name in table.column_names}
        return (pa.table(text_columns), line_no + np.flatnonzero(kept), starts[kept], ends[kept],
                block)
