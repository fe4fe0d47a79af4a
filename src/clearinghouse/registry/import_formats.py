"""Rows of an import file (CSV, JSON, JSON Lines) into work drafts, one work at a time.

Pure: no database. The parsers are generators over a text stream, so a file of any length is
read in constant memory; a malformed file raises ValidationFailed (422 naming the problem) and a
bad row becomes a draft carrying its errors, so that every row gets a verdict in the report.
Extra CSV rows adding holdings to a work must directly follow that work's row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TextIO

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.registry.schemas import HoldingCreate, WorkCreate

FORMATS = ("csv", "json", "jsonl")
WORK_COLUMNS = (
    "ref", "type", "title", "title_en", "title_zh", "creators", "length", "language", "tags",
    "identifiers", "publication_date", "moral_rights", "description", "on_behalf_of", "relations",
)
HOLDING_COLUMNS = (
    "holder_id", "rights", "share", "territories", "territories_excluded", "valid_from",
    "valid_to", "administrator_id", "collective", "warranty",
)
CSV_COLUMNS = WORK_COLUMNS + HOLDING_COLUMNS
MEDIA_TYPES = {
    "text/csv": "csv", "application/csv": "csv", "text/tab-separated-values": "csv",
    "application/json": "json", "application/x-ndjson": "jsonl", "application/ndjson": "jsonl",
    "application/jsonl": "jsonl", "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
}
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl"}
YES, NO = {"yes", "y", "true", "t", "1", "是", "对"}, {"no", "n", "false", "f", "0", "否"}


@dataclass
class ImportOptions:
    format: str | None = None
    encoding: str | None = None
    filename: str | None = None
    content_type: str | None = None
    all_or_nothing: bool = False
    dry_run: bool = False


@dataclass
class Relation:
    kind: str
    target: str
    in_file: bool | None  # a `ref` of this file, or an existing work id; None: decided later
    field: str


@dataclass
class HoldingDraft:
    row: int
    prefix: str  # "" for CSV (one holding per row), "holdings[0]." for JSON
    payload: Any
    data: HoldingCreate | None = None
    holding_id: str | None = None


@dataclass
class WorkDraft:
    row: int
    ref: str | None
    payload: dict[str, Any]
    relations: list[Relation] = field(default_factory=list)
    holdings: list[HoldingDraft] = field(default_factory=list)
    extra_rows: list[int] = field(default_factory=list)  # CSV rows adding holdings to this work
    aliases: dict[str, str] = field(default_factory=dict)  # model field -> CSV column
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    data: WorkCreate | None = None

    def fail(self, field_name: str, message: str, row: int | None = None) -> None:
        for model_field, column in self.aliases.items():
            if field_name.startswith(model_field):
                field_name = column
        entry = (row or self.row, field_name, message)
        if entry not in self.errors:
            self.errors.append(entry)


def _split(text: str) -> list[str]:
    """A `a; b` cell into items; full-width ；：＝ count too, as Chinese input types them."""
    text = text.replace("；", ";").replace("：", ":").replace("＝", "=")
    return [item.strip() for item in text.split(";") if item.strip()]


def _flag(text: str) -> bool | str:
    low = text.strip().lower()
    return True if low in YES else False if low in NO else text  # pydantic rejects the rest


def _csv_header(header: list[str] | None) -> list[str]:
    if header is None or not any(h.strip() for h in header):
        raise ValidationFailed("the file is empty: the first line must name the columns "
                               "(type,title,…)", field="file")
    columns = [h.strip().lower().removeprefix("\ufeff") for h in header]
    unknown = [c for c in columns if c and c not in CSV_COLUMNS]
    if unknown and not set(columns) & set(CSV_COLUMNS):
        raise ValidationFailed("no header row: the first line must name the columns, e.g. "
                               "type,title,creators,identifiers", field="header")
    if unknown:
        raise ValidationFailed(f"unknown column(s): {', '.join(unknown)}; the columns are: "
                               f"{', '.join(CSV_COLUMNS)}", field="header")
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubled:
        raise ValidationFailed(f"column(s) named twice: {', '.join(doubled)}", field="header")
    missing = [c for c in ("type", "title") if c not in columns]
    if missing:
        raise ValidationFailed(f"missing column(s): {', '.join(missing)}", field="header")
    return columns


def csv_delimiter(first_line: str) -> str:
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def _csv_records(stream: TextIO) -> tuple[Iterator[list[str]], list[str]]:
    first_line = stream.readline()
    reader = csv.reader(chain([first_line], stream), delimiter=csv_delimiter(first_line))
    return reader, _csv_header(next(reader, None))


def _adds_holding(current_ref: str | None, cells: dict[str, str]) -> bool:
    """A row repeating the ref of the work just before it, with no type or title of its own."""
    ref = cells.get("ref")
    return bool(ref) and ref == current_ref and "type" not in cells and "title" not in cells


def _cells(columns: list[str], record: list[str]) -> dict[str, str]:
    return {c: v for c, v in zip(columns, map(str.strip, record), strict=False) if v}


def _csv_error(exc: csv.Error, line: int) -> ValidationFailed:
    return ValidationFailed(f"not readable as CSV (line {line}): {exc}", field="file")


def count_csv_works(stream: TextIO) -> Iterator[int]:
    """The running count of works, cheaply: it checks the header but builds no drafts."""
    reader, columns = _csv_records(stream)
    current: str | None = None
    works = 0
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            cells = _cells(columns, record)
            if not _adds_holding(current, cells):
                works += 1
                current = cells.get("ref")
                yield works
    except csv.Error as exc:
        raise _csv_error(exc, reader.line_num) from exc  # type: ignore[attr-defined]


def parse_csv(stream: TextIO) -> Iterator[WorkDraft]:
    reader, columns = _csv_records(stream)
    current: WorkDraft | None = None
    row = 1  # as a spreadsheet numbers it: the header is row 1
    try:
        for record in reader:
            row += 1
            if not any(cell.strip() for cell in record):
                continue
            cells = _cells(columns, record)
            if current is not None and _adds_holding(current.ref, cells):
                _csv_more_holdings(current, cells, row)
                continue
            if current is not None:
                yield current
            current = _csv_work(cells, row)
            if "" in cells or any(v.strip() for v in record[len(columns):]):
                current.fail("row", "this row has cells beyond the named columns")
    except csv.Error as exc:
        raise _csv_error(exc, reader.line_num) from exc  # type: ignore[attr-defined]
    if current is not None:
        yield current


def _csv_work(cells: dict[str, str], row: int) -> WorkDraft:
    keep = ("type", "title", "length", "language", "publication_date", "moral_rights",
            "description", "on_behalf_of")
    draft = WorkDraft(row, cells.get("ref"), {k: cells[k] for k in keep if k in cells})
    titles = [(f"title_{lang}", lang) for lang in ("en", "zh") if f"title_{lang}" in cells]
    if titles:
        draft.payload["alt_titles"] = [{"title": cells[c], "language": lang} for c, lang in titles]
        draft.aliases.update({f"alt_titles[{i}]": col for i, (col, _) in enumerate(titles)})
    if "tags" in cells:
        draft.payload["tags"] = _split(cells["tags"])
    for column, sep, keys in (("creators", ":", ("name", "role")),
                              ("identifiers", ":", ("scheme", "value"))):
        items = []
        for i, item in enumerate(_split(cells.get(column, ""))):
            # a creator's name may hold a colon, an identifier's value may too
            split = item.rpartition if column == "creators" else item.partition
            left, found, right = split(sep)
            if column == "identifiers" and left.strip().lower() == "platform":
                name, found, right = right.partition(sep)  # platform:douyin:7012345
                left = f"platform:{name.strip()}"
            if not found or not left.strip() or not right.strip():
                example = "林夕:lyricist" if column == "creators" else "isrc:CN-A01-17-00001"
                draft.fail(f"{column}[{i}]",
                           f"write each as {keys[0]}{sep}{keys[1]}, e.g. {example}")
                continue
            items.append({keys[0]: left.strip(), keys[1]: right.strip()})
        if column in cells:
            draft.payload[column] = items
    for i, item in enumerate(_split(cells.get("relations", ""))):
        kind, found, target = item.partition("=")
        if not found or not target.strip():
            draft.fail(f"relations[{i}]", "write each as kind=ref, e.g. embodies=song-1")
            continue
        draft.relations.append(Relation(kind.strip(), target.strip(), None, f"relations[{i}]"))
    holding = _csv_holding(cells, row)
    if holding is not None:
        draft.holdings.append(holding)
    return draft


def _csv_more_holdings(parent: WorkDraft, cells: dict[str, str], row: int) -> None:
    parent.extra_rows.append(row)
    stray = [c for c in cells if c in WORK_COLUMNS and c != "ref"]
    if stray:
        parent.fail(stray[0], f"work columns belong on row {parent.row}, the first row with "
                    f"ref {parent.ref!r}; this row may only add a holding", row)
    holding = _csv_holding(cells, row)
    if holding is None:
        parent.fail("rights", "a row repeating a ref adds a holding: fill the holding columns", row)
    else:
        parent.holdings.append(holding)


def _csv_holding(cells: dict[str, str], row: int) -> HoldingDraft | None:
    if not any(c in cells for c in HOLDING_COLUMNS):
        return None
    payload: dict[str, Any] = {k: cells[k] for k in ("holder_id", "share", "valid_from", "valid_to",
                                                    "administrator_id") if k in cells}
    for key in ("rights", "territories", "territories_excluded"):
        if key in cells:
            payload[key] = _split(cells[key])
    if "collective" in cells:
        payload["collective"] = _flag(cells["collective"])
    payload["warranty"] = {"accepted": _flag(cells.get("warranty", "no"))}
    return HoldingDraft(row, "", payload)


def load_json_array(stream: TextIO) -> list[Any]:
    """A JSON import is read whole (its size is bounded, see import_reading)."""
    try:
        items = json.loads(stream.read().removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                               field="file") from exc
    except RecursionError:
        raise ValidationFailed("not a catalogue: the JSON is nested too deeply",
                               field="file") from None
    if not isinstance(items, list):
        raise ValidationFailed('a JSON import is an array of works: [{"type": …, "title": …}, …]',
                               field="file")
    return items


def parse_json(stream: TextIO) -> Iterator[WorkDraft]:
    for i, item in enumerate(load_json_array(stream)):
        yield _json_work(item, i + 1)


def _lines(stream: Iterable[str]) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(stream, 1):
        line = line.removeprefix("\ufeff") if lineno == 1 else line
        if line.strip():
            yield lineno, line


def count_jsonl_works(stream: TextIO) -> Iterator[int]:
    """The running count of works; the first line must be JSON, or this is no JSON Lines file."""
    for works, (lineno, line) in enumerate(_lines(stream), 1):
        if works == 1:
            try:
                _json_line(line)
            except json.JSONDecodeError as exc:
                raise ValidationFailed(f"not JSON Lines: line {lineno}: {exc.msg}",
                                       field="file") from exc
        yield works


def parse_jsonl(stream: TextIO) -> Iterator[WorkDraft]:
    for lineno, line in _lines(stream):
        try:
            item = _json_line(line)
        except json.JSONDecodeError as exc:
            draft = WorkDraft(lineno, None, {})
            draft.fail("row", f"not valid JSON: {exc.msg} (column {exc.colno})")
            yield draft
            continue
        yield _json_work(item, lineno)


def _json_line(line: str) -> Any:
    try:
        return json.loads(line)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", line, 0) from None


def _json_work(item: Any, row: int) -> WorkDraft:
    if not isinstance(item, dict):
        draft = WorkDraft(row, None, {})
        draft.fail("row", "each work must be a JSON object")
        return draft
    payload = dict(item)
    ref = payload.pop("ref", None)
    draft = WorkDraft(row, str(ref) if isinstance(ref, str | int) else None, payload)
    if ref is not None and not isinstance(ref, str | int):
        draft.fail("ref", "ref must be a string")
    relations = payload.pop("relations", [])
    holdings = payload.pop("holdings", [])
    for name, value in (("relations", relations), ("holdings", holdings)):
        if not isinstance(value, list):
            draft.fail(name, f"{name} must be an array")
    for i, rel in enumerate(relations if isinstance(relations, list) else []):
        where = f"relations[{i}]"
        target = rel.get("ref", rel.get("work_id")) if isinstance(rel, dict) else None
        if (not isinstance(rel, dict) or set(rel) - {"kind", "ref", "work_id"}
                or ("ref" in rel) == ("work_id" in rel) or not isinstance(target, str | int)):
            draft.fail(where, 'give {"kind": …, "work_id": a registered work} or '
                       '{"kind": …, "ref": a row of this file}')
            continue
        draft.relations.append(Relation(str(rel.get("kind")), str(target), "ref" in rel, where))
    for i, holding in enumerate(holdings if isinstance(holdings, list) else []):
        draft.holdings.append(HoldingDraft(row, f"holdings[{i}].", holding))
    return draft
