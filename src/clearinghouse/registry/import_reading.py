"""An uploaded catalogue on disk: its encoding, its format, and its works read as a stream.

The upload is first written to a file (never held in memory); `scan` then reads it once, cheaply,
to refuse a file that cannot be imported at all (422) and to count its works, stopping as soon
as the count passes the limit; `drafts` reads it again, a work at a time, for each pass of the
import job. A JSON array is parsed whole, so its size is bounded (CSV and JSON Lines stream).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.registry import import_formats as formats
from clearinghouse.registry.import_formats import ImportOptions, WorkDraft

MAX_ROWS = 100_000
MAX_JSON_ARRAY_BYTES = 16 * 1_048_576
CHUNK = 1_048_576


@dataclass(frozen=True)
class CatalogueFile:
    path: Path
    format: str
    encoding: str  # as reported: utf-8, gb18030, utf-16, or the name given
    codec: str  # what Python reads it with (utf-8-sig strips a byte-order mark)
    works: int

    def open(self) -> TextIO:
        return self.path.open(encoding=self.codec, newline="")

    def drafts(self) -> Iterator[WorkDraft]:
        parse = {"csv": formats.parse_csv, "json": formats.parse_json,
                 "jsonl": formats.parse_jsonl}[self.format]
        with self.open() as stream:
            yield from parse(stream)


def scan(path: Path, opts: ImportOptions) -> CatalogueFile:
    """Check the file as a whole and count its works; ValidationFailed (422) names the problem."""
    codec, encoding = detect_encoding(path, opts.encoding)
    with path.open(encoding=codec, newline="") as stream:
        head = stream.read(4096)
    fmt = detect_format(opts, head)
    works = 0
    if fmt == "json" and path.stat().st_size > MAX_JSON_ARRAY_BYTES:
        raise ValidationFailed(f"a JSON array may be at most {MAX_JSON_ARRAY_BYTES // 1_048_576} MiB;"
                               " send a larger catalogue as JSON Lines or CSV", field="file")
    with path.open(encoding=codec, newline="") as stream:
        if fmt == "json":
            counts: Iterator[int] = iter(range(1, len(formats.load_json_array(stream)) + 1))
        else:
            counts = (formats.count_csv_works if fmt == "csv" else formats.count_jsonl_works)(stream)
        for works in counts:
            if works > MAX_ROWS:  # stop reading: the rest cannot be imported anyway
                raise ValidationFailed(f"the file has more than {MAX_ROWS:,} works, the most one "
                                       "import takes; split it", field="file",
                                       details=[{"field": "file", "limit": MAX_ROWS,
                                                 "message": "too many works"}])
    if works == 0:
        raise ValidationFailed("the file has no rows to import", field="file")
    return CatalogueFile(path, fmt, encoding, codec, works)


def detect_encoding(path: Path, encoding: str | None) -> tuple[str, str]:
    """(codec, reported name): the one given, else UTF-8 (with or without BOM), else GB18030."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise ValidationFailed("this is a zip file (an Excel workbook?): save it as CSV first",
                               field="file")
    if encoding:
        try:
            info = codecs.lookup(encoding)
            # bytes.decode refuses codecs that are not for text (rot13, base64) by this flag
            if not getattr(info, "_is_text_encoding", True):
                raise LookupError(encoding)
            name = info.name
        except (LookupError, ValueError):
            raise ValidationFailed(f"unknown encoding {encoding!r}", field="encoding") from None
        codec = "utf-8-sig" if name == "utf-8" else name
        _check_decodes(path, codec, name, "leave the encoding out to detect it")
        return codec, name
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        _check_decodes(path, "utf-16", "utf-16", "it starts like UTF-16 but is not")
        return "utf-16", "utf-16"
    # GB18030 is the superset of GBK that Chinese Excel writes; try it only when UTF-8 fails.
    for codec, name in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            _check_decodes(path, codec, name, "")
        except _NotThisEncoding:
            continue
        return codec, name
    raise ValidationFailed("cannot tell the file's encoding (tried UTF-8 and GBK); "
                           "name it with encoding=…", field="encoding")


class _NotThisEncoding(ValidationFailed):
    pass


def _check_decodes(path: Path, codec: str, name: str, hint: str) -> None:
    """Decode the whole file in chunks (constant memory); refuse bad bytes and binary files."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = 0
    with path.open("rb") as raw:
        while True:
            chunk = raw.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _NotThisEncoding(f"the file is not valid {name} (byte {offset + exc.start}): "
                                       f"{hint}", field="encoding") from exc
            if "\x00" in text:
                raise ValidationFailed("this is a binary file, not CSV or JSON", field="file")
            if not chunk:
                return
            offset += len(chunk)


def detect_format(opts: ImportOptions, head: str) -> str:
    if opts.format:
        if opts.format not in formats.FORMATS:
            raise ValidationFailed(f"format must be one of {', '.join(formats.FORMATS)}",
                                   field="format")
        return opts.format
    media = (opts.content_type or "").split(";")[0].strip().lower()
    if media in formats.MEDIA_TYPES:
        return formats.MEDIA_TYPES[media]
    suffix = "." + opts.filename.rsplit(".", 1)[-1].lower() if opts.filename else ""
    if suffix in formats.SUFFIXES:
        return formats.SUFFIXES[suffix]
    first = head.lstrip("\ufeff \t\r\n")[:1]
    return {"[": "json", "{": "jsonl"}.get(first, "csv")
