"""POST /api/v1/works/import: receive a catalogue, check it can be read, and start the import job.

No database transaction is open while the upload arrives: the caller is authenticated in a short
read transaction first, the body is written to a file as it comes (hashed on the way), the file
is scanned (encoding, format, header, row count: a 422 names the problem, stopping at the row
limit), and only then is the job recorded in one short write transaction. The import runs in the
background and commits in batches; its status and report are at GET /api/v1/jobs/{id}.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from clearinghouse.access.domain import Principal
from clearinghouse.api.auth import RightsManagerCaller
from clearinghouse.api.responses import WRITE, errors
from clearinghouse.api.spool import spool_request_file
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.schemas import JobOut, job_out
from clearinghouse.core.jobs.tables import Job
from clearinghouse.registry.import_formats import MEDIA_TYPES, ImportOptions
from clearinghouse.registry.import_job import KIND, ImportRequest, dedupe_key, run_import
from clearinghouse.registry.import_reading import CatalogueFile, scan
from clearinghouse.registry.import_schemas import ImportFormat

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
EXISTING: dict[int | str, dict[str, Any]] = {200: {
    "model": JobOut,
    "description": "This file was submitted before in the same mode: the earlier job, and nothing "
                   "is imported twice"}}


@dataclass
class Upload:
    path: Path
    sha256: str
    filename: str | None
    content_type: str | None
    charset: str | None = None


async def receive_upload(request: Request) -> Upload:
    """The file from a multipart form (field `file`) or the raw body, written to disk as it comes."""
    media, _, params = request.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    pairs = (p.partition("=") for p in params.split(";"))
    charset = next((v.strip().strip('"') for k, _, v in pairs if k.strip().lower() == "charset"),
                   None)
    if media != "multipart/form-data" and media not in MEDIA_TYPES and media not in GENERIC_TYPES:
        raise HTTPException(415, f"unsupported media type {media!r}: send text/csv, "
                                 "application/json, application/x-ndjson or a multipart upload")
    spooled = await spool_request_file(request, request.app.state.settings.data_dir / "uploads",
                                       prefix="import-", what="catalogue")
    if media == "multipart/form-data":
        return Upload(spooled.path, spooled.sha256, spooled.filename, spooled.content_type)
    return Upload(spooled.path, spooled.sha256, None, media or None, charset)


def _submit(request: Request, principal: Principal, file: CatalogueFile, sha256: str,
            options: ImportOptions) -> tuple[Job, bool]:
    with unit_of_work(request.app.state.sessions) as session:
        return jobs.submit(session, kind=KIND, owner_party_id=principal.party_id,
                           total=file.works * (1 if options.dry_run else 2),
                           dedupe_key=dedupe_key(sha256, file, options))


@router.post(
    "/works/import", response_model=JobOut, status_code=202, tags=["works"],
    responses=WRITE | errors(415) | EXISTING, openapi_extra={"requestBody": REQUEST_BODY},
)
async def import_works(
    request: Request,
    response: Response,
    principal: RightsManagerCaller,  # authenticated in a short read transaction of its own
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
) -> JobOut:
    """Register many works with their holdings (owners, agents, the operator), as a job.

    Answers 202 with the job once the file has been received and found readable; poll
    `GET /api/v1/jobs/{id}` (the `Location` header) until it has `succeeded`: its `result` is the
    import report, a verdict for every row (`accepted` with the new work id, or `rejected` with
    each reason), checked exactly as `POST /works` and `POST /works/{id}/holdings` check them.
    By default the valid rows are written, in batches; with `all_or_nothing=true` a single
    rejected row means nothing is written. A file that cannot be read at all (not CSV/JSON, bad
    encoding, no header, unknown columns, more than 100,000 works) is a 422 naming the problem.
    The same file sent again in the same mode returns the first job (200) and imports nothing
    twice. See docs/import.md.
    """
    upload = await receive_upload(request)
    options = ImportOptions(format=format, encoding=encoding or upload.charset,
                            filename=upload.filename, content_type=upload.content_type,
                            all_or_nothing=all_or_nothing, dry_run=dry_run)
    job, created = await start_import(request, principal, upload, options)
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return job_out(job)


async def start_import(request: Request, principal: Principal, upload: Upload,
                       options: ImportOptions) -> tuple[Job, bool]:
    """Scan the received file (422 when unreadable), record the job and start it; the same file
    in the same mode finds the first job (False) and starts nothing. The owner's import page
    starts imports here too."""
    try:
        file = await run_in_threadpool(scan, upload.path, options)
        job, created = await run_in_threadpool(_submit, request, principal, file, upload.sha256,
                                               options)
    except BaseException:
        upload.path.unlink(missing_ok=True)
        raise
    if created:
        work = ImportRequest(file, principal, options, delete_file=True)
        request.app.state.jobs.start(job.id, partial(run_import, request=work))
    else:
        upload.path.unlink(missing_ok=True)
    return job, created
