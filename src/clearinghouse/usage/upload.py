"""A report's bytes, received before any transaction: written to a spool file as they arrive,
hashed on the way, refused past the upload limit (413) and when empty (422)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from clearinghouse.core.errors import PayloadTooLarge, ValidationFailed
from clearinghouse.usage.formats.text_input import SNIFF_BYTES, detect_encoding
from clearinghouse.usage.records import ReportFormat

CHUNK = 1_048_576
TEXT_FORMATS = (ReportFormat.AGGREGATE_CSV, ReportFormat.AGGREGATE_JSONL)


@dataclass(frozen=True)
class Spooled:
    path: Path
    sha256: str
    byte_size: int


async def receive_report(request: Request, folder: Path, limit: int) -> Spooled:
    """The file from a multipart form (field `file`) or the raw body."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="usage-", dir=folder)
    digest, size = hashlib.sha256(), 0
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    try:
        with os.fdopen(handle, "wb") as out:
            if media == "multipart/form-data":
                form = await request.form(max_files=1, max_fields=10)
                part = form.get("file")
                if not isinstance(part, UploadFile):
                    raise ValidationFailed("send the report in the multipart field `file`",
                                           field="file")
                chunks = iter_upload(part)
            else:
                chunks = request.stream()
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"the report is over the limit of {limit} bytes; send "
                                          "it from the command line (`clearinghouse usage "
                                          "submit`) or split it", details={"limit_bytes": limit})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("the report is empty", field="body")
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Spooled(Path(name), digest.hexdigest(), size)


async def iter_upload(part: UploadFile):  # noqa: ANN201 (an async iterator of bytes)
    while chunk := await part.read(CHUNK):
        yield chunk


def encoding_of(path: Path, fmt: ReportFormat) -> str | None:
    """The encoding the text formats' readers will find (None for the others)."""
    if fmt not in TEXT_FORMATS:
        return None
    with path.open("rb") as source:
        return detect_encoding(source.read(SNIFF_BYTES))
