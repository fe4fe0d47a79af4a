"""A report's bytes, received before any transaction (api/spool.py): refused past the upload
limit (413) and when empty (422)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from clearinghouse.api.spool import SpooledFile, spool_request_file
from clearinghouse.usage.formats.text_input import SNIFF_BYTES, detect_encoding
from clearinghouse.usage.records import ReportFormat

TEXT_FORMATS = (ReportFormat.AGGREGATE_CSV, ReportFormat.AGGREGATE_JSONL)


async def receive_report(request: Request, folder: Path, limit: int) -> SpooledFile:
    """The file from a multipart form (field `file`) or the raw body."""
    return await spool_request_file(
        request, folder, prefix="usage-", what="report", limit=limit,
        too_large_hint="; send it from the command line (`clearinghouse usage submit`) or split it")


def encoding_of(path: Path, fmt: ReportFormat) -> str | None:
    """The encoding the text formats' readers will find (None for the others)."""
    if fmt not in TEXT_FORMATS:
        return None
    with path.open("rb") as source:
        return detect_encoding(source.read(SNIFF_BYTES))
