"""POST /api/v1/works/import: a whole catalogue in one request, with a verdict for every row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from clearinghouse.api.auth import RightsManagerCaller
from clearinghouse.api.deps import DB
from clearinghouse.api.responses import WRITE, errors
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.registry.import_formats import MEDIA_TYPES
from clearinghouse.registry.import_schemas import ImportFormat, ImportReport
from clearinghouse.registry.importer import ImportOptions, run_import

router = APIRouter(prefix="/api/v1")

# Raw bodies we accept besides the import formats' own media types (format is then sniffed).
GENERIC_TYPES = {"", "text/plain", "application/octet-stream"}
_FILE_SCHEMA = {"type": "string", "format": "binary"}
REQUEST_BODY: dict[str, Any] = {
    "description": "The catalogue: a multipart upload (field `file`) or the file as the body.",
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {"file": _FILE_SCHEMA}}
        },
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None
    charset: str | None = None


async def read_upload(request: Request) -> Upload:
    """The file from a multipart form (field `file`) or the raw body."""
    media, _, params = request.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    pairs = (p.partition("=") for p in params.split(";"))
    charset = next((v.strip().strip('"') for k, _, v in pairs if k.strip().lower() == "charset"),
                   None)
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ValidationFailed("send the catalogue in the multipart field `file`", field="file")
        return Upload(await part.read(), part.filename, part.content_type)
    if media not in MEDIA_TYPES and media not in GENERIC_TYPES:
        raise HTTPException(415, f"unsupported media type {media!r}: send text/csv, "
                                 "application/json, application/x-ndjson or a multipart upload")
    return Upload(await request.body(), None, media or None, charset)


@router.post(
    "/works/import", response_model=ImportReport, tags=["works"],
    responses=WRITE | errors(400, 415), openapi_extra={"requestBody": REQUEST_BODY},
)
def import_works(
    db: DB,
    caller: RightsManagerCaller,
    upload: Annotated[Upload, Depends(read_upload)],
    format: Annotated[ImportFormat | None, Query(
        description="csv, json or jsonl; by default from the media type, file name or content"
    )] = None,
    encoding: Annotated[str | None, Query(
        max_length=40, description="e.g. gbk; by default UTF-8 (with or without BOM), else GBK"
    )] = None,
    all_or_nothing: Annotated[bool, Query(
        description="Apply nothing if any row is rejected"
    )] = False,
    dry_run: Annotated[bool, Query(description="Check every row and apply nothing")] = False,
) -> ImportReport:
    """Register many works with their holdings (owners, agents, the operator).

    Every row gets a verdict: `accepted` with the new work id, or `rejected` with each reason
    (field and message), checked exactly as `POST /works` and `POST /works/{id}/holdings` check
    them. By default the valid rows are applied in one transaction and the rejected ones are
    reported; with `all_or_nothing=true` a single rejected row means nothing is applied. A file
    that cannot be read at all (not CSV/JSON, bad encoding, no header, unknown columns) is a
    422 naming the problem. See docs/import.md for the columns.
    """
    options = ImportOptions(format=format, encoding=encoding or upload.charset,
                            filename=upload.filename,
                            content_type=upload.content_type, all_or_nothing=all_or_nothing,
                            dry_run=dry_run)
    return run_import(db, caller, upload.data, options)
