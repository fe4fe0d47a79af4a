"""Aggregated usage CSV, vectorised: the same lines and the same rejections as
`aggregate.read_csv`, in batches of Arrow rows instead of one Python object per line.

The file is read in blocks of `BLOCK_BYTES` cut at a newline. A block with no quote character
and no bare carriage return has one record per physical line, so Arrow's CSV parser can read it
(every column as text) while the line numbers come from the block's newlines; the columns are
then checked with pyarrow.compute (`aggregate_vector`) and only the rows whose values are not in
a plain form go through the per-line checker. What Arrow cannot read the same way is handed to
the per-line reader, numbered where it starts:
- a block with a line of the wrong width, a NUL, a U+FFFD, bytes that do not decode, or a line
  over `MAX_LINE`: that block, line by line;
- a quote or a bare CR: a quoted field may hold a newline and cross blocks, so the rest of the
  file, line by line (as fast as before: 20,000+ lines/s); the same from a line over `MAX_LINE`
  that does not end in the block (the per-line reader skips it without holding it);
- a header that is not plain (quoted, unknown or repeated columns): the whole file.
GB18030 (and GBK) files are transcoded to UTF-8 a block at a time. Memory: a block, its Arrow
columns and the longest line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import attrgetter
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from clearinghouse.usage.formats import text_input
from clearinghouse.usage.formats.aggregate import (
    GB18030,
    MAX_LINE,
    SNIFF_BYTES,
    check_record,
    detect_encoding,
    read_csv,
    read_csv_rows,
)
from clearinghouse.usage.formats.aggregate_columns import LineChecker, column_for
from clearinghouse.usage.formats.aggregate_vector import LINE_SCHEMA, BatchChecker
from clearinghouse.usage.records import Rejection, UsageLine

BLOCK_BYTES = 8 << 20
BATCH_ITEMS = 65_536  # items per batch where the per-line reader reads
_LINE_VALUES = attrgetter(*LINE_SCHEMA.names)


@dataclass
class LineBatch:
    """A run of the file's lines: the accepted ones as Arrow rows, the refused ones; both in
    line order."""

    lines: pa.Table  # LINE_SCHEMA
    rejections: list[Rejection] = field(default_factory=list)


def lines_table(lines: list[UsageLine]) -> pa.Table:
    if not lines:
        return LINE_SCHEMA.empty_table()
    columns = list(zip(*map(_LINE_VALUES, lines), strict=True))
    return pa.table([pa.array(c, f.type) for c, f in zip(columns, LINE_SCHEMA, strict=True)],
                    schema=LINE_SCHEMA)


def batched(items: Iterator[UsageLine | Rejection]) -> Iterator[LineBatch]:
    """The per-line reader's items as batches."""
    while chunk := list(islice(items, BATCH_ITEMS)):
        yield LineBatch(lines_table([i for i in chunk if isinstance(i, UsageLine)]),
                        [i for i in chunk if isinstance(i, Rejection)])


def _chained(head: bytes, source: BinaryIO) -> BinaryIO:
    return io.BufferedReader(text_input.Replayed(head, source))


def _plain_header(line: bytes, encoding: str) -> list[str | None] | None:
    """The header's columns when it reads without the csv module's help, else None."""
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError:
        return None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text or any(c in text for c in '"\r\x00\ufffd'):
        return None
    columns = [column_for(name) for name in text.split(",")]
    if None in columns or len(set(columns)) < len(columns):
        return None
    return columns


def read_csv_batches(source: BinaryIO, *, period: str, today: date) -> Iterator[LineBatch]:
    """`aggregate.read_csv`'s lines and rejections, in batches (see the module's doc)."""
    head = source.read(SNIFF_BYTES)
    encoding = detect_encoding(head)
    end = head.find(b"\n")
    columns = _plain_header(head[:end + 1], encoding) if end >= 0 else None
    if columns is None:
        yield from batched(read_csv(_chained(head, source), period=period, today=today))
        return
    reader = _BlockReader(columns, LineChecker(period, today), encoding)
    pending, line_no = head[end + 1:], 2
    while True:
        chunk = source.read(BLOCK_BYTES)
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        if chunk and cut == 0 and len(data) <= MAX_LINE:
            pending = data  # a line longer than what is left of the block: read on
            continue
        block, pending = data[:cut], data[cut:]
        bare_cr = b"\r" in block and block.count(b"\r") != block.count(b"\r\n")
        if (chunk and cut == 0) or b'"' in block or bare_cr:
            yield from batched(read_csv_rows(_chained(block + pending, source), columns,
                                             reader.checker, encoding=encoding, first_line=line_no))
            return
        if block:
            yield reader.block(block, line_no, final=not chunk)
        if not chunk:
            return
        line_no += block.count(b"\n")


class _BlockReader:
    def __init__(self, columns: list[str | None], checker: LineChecker, encoding: str) -> None:
        self.columns, self.checker, self.encoding = columns, checker, encoding
        self.vector = BatchChecker(checker)
        self.names: list[str] = [c for c in columns if c is not None]

    def block(self, block: bytes, line_no: int, *, final: bool) -> LineBatch:
        parsed = self._parse(block, line_no)
        if parsed is None:
            items = list(read_csv_rows(io.BytesIO(block), self.columns, self.checker,
                                       encoding=self.encoding, first_line=line_no))
            return LineBatch(lines_table([i for i in items if isinstance(i, UsageLine)]),
                             [i for i in items if isinstance(i, Rejection)])
        table, line_nos = parsed
        lines, slow = self.vector.check(table, line_nos)
        if not slow.any():
            return LineBatch(lines)
        unterminated = final and not block.endswith(b"\n")
        last_line = line_no + block.count(b"\n")
        taken: list[UsageLine] = []
        rejections: list[Rejection] = []
        indices = np.flatnonzero(slow)
        for number, row in zip(line_nos[indices], table.take(indices).to_pylist(), strict=True):
            record = list(row.values())
            if record == [""] * len(record):
                continue  # a line of commas: blank, as the csv module reads it
            item = check_record(self.checker, self.columns, int(number), record, ",".join(record),
                                last=unterminated and number == last_line)
            (rejections if isinstance(item, Rejection) else taken).append(item)  # type: ignore[arg-type]
        if taken:
            lines = pa.concat_tables([lines, lines_table(taken)])
            lines = lines.take(pc.sort_indices(lines, [("line_no", "ascending")]))
        return LineBatch(lines, rejections)

    def _parse(self, block: bytes, line_no: int) -> tuple[pa.Table, np.ndarray] | None:
        """The block's records as text columns and their line numbers; None when Arrow would
        not read it as the csv module does."""
        if self.encoding == GB18030:
            text = block.decode(GB18030, errors="replace")
            if "\ufffd" in text:
                return None
            block = text.encode()
        if b"\x00" in block or b"\xef\xbf\xbd" in block:
            return None
        newlines = np.flatnonzero(np.frombuffer(block, np.uint8) == 10)
        bounds = np.concatenate(([-1], newlines))
        if not block.endswith(b"\n"):
            bounds = np.append(bounds, len(block))
        lengths = np.diff(bounds) - 1
        if len(lengths) and lengths.max() > MAX_LINE:
            return None
        carriage = np.zeros(len(lengths), bool)
        ends = bounds[1:] - 1
        inside = ends >= 0
        carriage[inside] = np.frombuffer(block, np.uint8)[ends[inside]] == 13
        blank = (lengths == 0) | ((lengths == 1) & carriage)
        line_nos = line_no + np.flatnonzero(~blank)
        try:
            table = csv.read_csv(
                pa.py_buffer(block),
                read_options=csv.ReadOptions(  # one chunk per column: no copy to combine
                    column_names=self.names, block_size=len(block) + 1, use_threads=False),
                parse_options=csv.ParseOptions(quote_char=False, ignore_empty_lines=True),
                convert_options=csv.ConvertOptions(
                    column_types=dict.fromkeys(self.names, pa.string()),
                    strings_can_be_null=False, quoted_strings_can_be_null=False))
        except pa.ArrowInvalid:
            return None  # a line of the wrong width, bytes that are not UTF-8
        if table.num_rows != len(line_nos):
            return None
        return table, line_nos
