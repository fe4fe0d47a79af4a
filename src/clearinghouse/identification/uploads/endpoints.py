"""POST /api/v1/identify (a platform's or licensee's upload: which registered works are in it,
and what comes of each) and GET /api/v1/identify/{id} (an identification asked for before)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from clearinghouse.api.deps import Caller, RefParam, read_sessions, write_sessions
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.api.spool import spool_request_file
from clearinghouse.core.db import unit_of_work
from clearinghouse.identification.references import intake
from clearinghouse.identification.uploads import pipeline, service
from clearinghouse.identification.uploads.schemas import IdentificationOut, identification_out

router = APIRouter(prefix="/api/v1")

_FILE = {"type": "string", "format": "binary"}
REQUEST_BODY: dict[str, Any] = {
    "description": "The uploaded media: a multipart upload (field `file`) or the file as the body.",
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {"file": _FILE}}},
        "application/octet-stream": {"schema": _FILE},
    },
}


@router.post("/identify", response_model=IdentificationOut, status_code=201,
             tags=["identification"], responses=WRITE, openapi_extra={"requestBody": REQUEST_BODY})
async def identify(
    request: Request,
    caller: Caller,
    upload_ref: Annotated[RefParam, Query(min_length=1, description="The platform's content id")],
    uploaded_on: Annotated[date, Query(description="The day the upload went up")],
    territory: Annotated[str, Query(min_length=2, max_length=2,
                                    description="ISO 3166-1 alpha-2, e.g. CN")],
    channel: Annotated[RefParam, Query(min_length=1, description="The platform, e.g. douyin")],
    uploader_party_id: Annotated[RefParam | None, Query(
        description="Who uploaded it, when the platform knows (a licence then counts only if "
                    "that party holds it)")] = None,
    max_false_match_rate: Annotated[float, Query(
        gt=0, le=0.1, description="Report matches at most this likely to be chance")] = 1e-3,
) -> IdentificationOut:
    """Which registered works are in this upload. The licence the file carries (a C2PA manifest
    from our delivery) is read first: genuine and covering this use, its works are `licensed`
    and never claimed. Then the file is fingerprinted and each work found is handed to
    enforcement. Platforms (uploads on platforms they run), licensees (their own) and the
    operator. Unreadable media is 422 `unreadable_media`, too long 422 `media_too_long`,
    too large 413."""
    settings = request.app.state.settings
    asked = service.AskedFacts(upload_ref, uploaded_on, territory, channel, uploader_party_id)
    facts = await run_in_threadpool(pipeline.checked_facts, read_sessions(request), caller, asked)
    spooled = await spool_request_file(request, intake.spool_folder(settings), prefix="media-",
                                       what="media file", limit=intake.size_limit(settings))
    try:
        return await run_in_threadpool(
            pipeline.identify_path, write_sessions(request), read_sessions(request), settings,
            caller, facts, spooled.path, sha256=spooled.sha256, byte_size=spooled.byte_size,
            max_false_match_rate=max_false_match_rate)
    finally:
        spooled.path.unlink(missing_ok=True)


@router.get("/identify/{identification_id}", response_model=IdentificationOut,
            tags=["identification"], responses=AUTHED)
async def get_identification(request: Request, identification_id: str,
                             caller: Caller) -> IdentificationOut:
    """An identification asked for before (whoever asked it, and the operator)."""
    def read() -> IdentificationOut:
        with unit_of_work(read_sessions(request)) as session:
            return identification_out(service.get_identification(session, caller,
                                                                  identification_id))

    return await run_in_threadpool(read)
