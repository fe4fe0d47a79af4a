"""Aggregated usage as CSV or JSON Lines (`records.Reader`): one line per content, day (or the
whole period), territory and channel, with its plays, copies and revenue.

Streaming: the file is read a line at a time (a line longer than `MAX_LINE` characters is refused
without being held), so memory does not grow with the file. Encoding: UTF-8 with or without BOM;
when the first `SNIFF_BYTES` are not strict UTF-8, GB18030 (a superset of GBK). Bytes that do not
decode later in the file make their line malformed. A last line that does not end in a newline
and does not read completely is TRUNCATED (a cut upload), not malformed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

import orjson

from clearinghouse.usage.formats import text_input
from clearinghouse.usage.formats.aggregate_columns import ALIASES, COLUMNS, LineChecker, column_for
from clearinghouse.usage.formats.text_input import SNIFF_BYTES, UTF8_SIG, detect_encoding
from clearinghouse.usage.records import Rejection, RejectionReason, UsageLine

MAX_LINE = 65_536  # characters; a usage line is a few hundred
UTF8, GB18030 = UTF8_SIG, text_input.GB18030
Item = UsageLine | Rejection
__all__ = ["ALIASES", "COLUMNS", "SNIFF_BYTES", "detect_encoding", "read_csv", "read_jsonl"]


class _Lines:
    """The text's lines, endings kept; an over-long line comes back empty and is noted."""

    def __init__(self, source: BinaryIO, encoding: str | None = None, number: int = 0) -> None:
        head = b"" if encoding else source.read(SNIFF_BYTES)
        self.encoding = encoding or detect_encoding(head)
        if source.seekable():
            source.seek(-len(head), io.SEEK_CUR)
            binary: BinaryIO = source
        else:
            binary = io.BufferedReader(text_input.Replayed(head, source))  # type: ignore[assignment]
        self._text = io.TextIOWrapper(binary, encoding=self.encoding, errors="replace", newline="")
        self.number = number  # physical lines read so far
        self.too_long: set[int] = set()
        self.terminated = True  # whether the last line read ended in a newline

    def __iter__(self) -> Iterator[str]:
        while line := self._text.readline(MAX_LINE + 1):
            self.number += 1
            if len(line) > MAX_LINE and not line.endswith("\n"):
                while (more := self._text.readline(MAX_LINE)) and not more.endswith("\n"):
                    pass  # the rest of the over-long line, a piece at a time
                self.too_long.add(self.number)
                line = "\n"
            self.terminated = line.endswith(("\n", "\r"))
            yield line

    def detach(self) -> None:
        self._text.detach()  # the caller closes its own file


def _refusal(line_no: int, reason: RejectionReason, message: str, raw: str | None = None,
             field: str | None = None) -> Rejection:
    return Rejection(line_no, reason, message, field, raw[:Rejection.RAW_LIMIT] if raw else raw)


def read_csv(source: BinaryIO, *, period: str, today: date) -> Iterator[Item]:
    """Comma-separated, a header line first (see COLUMNS and ALIASES)."""
    lines = _Lines(source)
    checker = LineChecker(period, today)
    rows = csv.reader(lines, strict=True)
    try:
        header = next(rows, None)
        if header is None:
            yield _refusal(0, RejectionReason.MISSING_FIELD, "the file is empty: no header line")
            return
        columns = [column_for(name) for name in header]
        unknown = [name for name, column in zip(header, columns, strict=True) if column is None]
        if unknown or len(set(columns)) < len(columns):
            what = f"unknown columns {unknown}" if unknown else "a column given twice"
            yield _refusal(1, RejectionReason.MALFORMED, f"the header has {what}; the columns "
                           f"are {', '.join(COLUMNS)} (docs/usage.md)", ",".join(header))
            return
        yield from _csv_records(lines, rows, columns, checker)
    finally:
        lines.detach()


def _csv_records(lines: _Lines, rows: Iterator[list[str]], columns: list[str | None],
                 checker: LineChecker) -> Iterator[Item]:
    width = len(columns)
    start = lines.number + 1
    while True:
        try:
            record = next(rows, None)
        except csv.Error as exc:
            raw = f"(line {start})"
            if not lines.terminated:
                yield _refusal(start, RejectionReason.TRUNCATED, f"the file ends inside a "
                               f"quoted field ({exc}): was it cut short?", raw)
                return
            yield _refusal(start, RejectionReason.MALFORMED, f"not valid CSV: {exc}", raw)
            start = lines.number + 1
            continue
        if record is None:
            return
        line_no, start = start, lines.number + 1
        raw = ",".join(record)
        if line_no in lines.too_long:
            yield _refusal(line_no, RejectionReason.MALFORMED,
                           f"the line is longer than {MAX_LINE:,} characters")
            continue
        if not record or record == [""] * len(record):
            continue  # a blank line
        last = not lines.terminated
        if "\ufffd" in raw:
            yield _refusal(line_no, RejectionReason.MALFORMED,
                           f"bytes that are not {lines.encoding} text", raw)
        elif len(record) != width:
            reason = RejectionReason.TRUNCATED if last and len(record) < width else \
                RejectionReason.MALFORMED
            yield _refusal(line_no, reason, f"{len(record)} fields where the header has {width}"
                           + (": the file ends mid-line (cut short?)" if last else ""), raw)
        else:
            yield check_record(checker, columns, line_no, record, raw, last=last)


def check_record(checker: LineChecker, columns: list[str | None], line_no: int, record: list[str],
                 raw: str, *, last: bool) -> Item:
    """A record with the header's width, checked; a last line that does not read is TRUNCATED."""
    item = checker.line(line_no, dict(zip(columns, record, strict=True)), raw)  # type: ignore[arg-type]
    if last and isinstance(item, Rejection):
        item = _refusal(line_no, RejectionReason.TRUNCATED, "the file ends mid-line "
                        f"(cut short?), and the last line does not read: {item.message}",
                        raw, item.field)
    return item


def read_csv_rows(source: BinaryIO, columns: list[str | None], checker: LineChecker, *,
                  encoding: str, first_line: int) -> Iterator[Item]:
    """The data lines of a CSV whose header was read elsewhere (the vectorised reader hands over
    the parts it does not read itself), numbered from `first_line`."""
    lines = _Lines(source, encoding, first_line - 1)
    try:
        yield from _csv_records(lines, csv.reader(lines, strict=True), columns, checker)
    finally:
        lines.detach()


def read_jsonl(source: BinaryIO, *, period: str, today: date) -> Iterator[Item]:
    """One JSON object per line with the CSV's columns as keys (same aliases)."""
    yield from _jsonl_records(_Lines(source), LineChecker(period, today))


def read_jsonl_rows(source: BinaryIO, checker: LineChecker, *, encoding: str,
                    first_line: int) -> Iterator[Item]:
    """The lines of a JSON Lines file from `first_line` on (the vectorised reader hands over the
    parts it does not read itself)."""
    yield from _jsonl_records(_Lines(source, encoding, first_line - 1), checker)


def _jsonl_records(lines: _Lines, checker: LineChecker) -> Iterator[Item]:
    try:
        for text in lines:
            line_no = lines.number
            if line_no in lines.too_long:
                yield _refusal(line_no, RejectionReason.MALFORMED,
                               f"the line is longer than {MAX_LINE:,} characters")
                continue
            if not text.strip():
                continue
            yield json_line(line_no, text, checker, last=not lines.terminated,
                             encoding=lines.encoding)
    finally:
        lines.detach()


def json_line(line_no: int, text: str, checker: LineChecker, *, last: bool,
              encoding: str) -> Item:
    """One line of JSON Lines, read and checked."""
    raw = text.strip()
    if "\ufffd" in raw:
        return _refusal(line_no, RejectionReason.MALFORMED, f"bytes that are not {encoding} text",
                        raw)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if last:
            return _refusal(line_no, RejectionReason.TRUNCATED,
                            f"the file ends inside a JSON object (cut short?): {exc}", raw)
        return _refusal(line_no, RejectionReason.MALFORMED, f"not valid JSON: {exc}", raw)
    if not isinstance(value, dict):
        return _refusal(line_no, RejectionReason.MALFORMED, "each line must be a JSON object", raw)
    values: dict[str, object] = {}
    for key, item in value.items():
        column = column_for(key)
        if column is None:
            return _refusal(line_no, RejectionReason.MALFORMED, f"unknown key {key!r}; the keys "
                            f"are {', '.join(COLUMNS)} (docs/usage.md)", raw, key)
        if isinstance(item, float) and column in ("revenue",):
            item = repr(item)  # the digits as written, never a float sum
        values[column] = item
    return checker.line(line_no, values, raw)
