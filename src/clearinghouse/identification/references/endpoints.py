"""Reference media endpoints: a work's managers add, list and remove its reference files.

The file arrives before any transaction (api/spool.py) and is decoded in a worker process; the
row is written in one short transaction at the end (references/intake.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.api.deps import Caller, read_sessions, write_sessions
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.api.spool import spool_request_file
from clearinghouse.core.db import unit_of_work
from clearinghouse.identification.references import intake, service
from clearinghouse.identification.references.schemas import (
    ReferenceList,
    ReferenceOut,
    reference_out,
)

router = APIRouter(prefix="/api/v1")
ReferenceId = Annotated[int, Path(ge=1, le=2**62, description="The reference's id")]

_FILE = {"type": "string", "format": "binary"}
REQUEST_BODY: dict[str, Any] = {
    "description": "The reference file: a multipart upload (field `file`) or the file as the body. "
                   "Its kind is told by decoding it, never by its name or declared type.",
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {"file": _FILE}}},
        "application/octet-stream": {"schema": _FILE},
    },
}
EXISTING: dict[int | str, dict[str, Any]] = {200: {
    "model": ReferenceOut, "description": "The same file was added to this work before: that "
                                          "reference, and nothing is added twice"}}


@router.post("/works/{work_id}/references", response_model=ReferenceOut, status_code=201,
             tags=["identification"], responses=WRITE | EXISTING,
             openapi_extra={"requestBody": REQUEST_BODY})
async def add_reference(request: Request, response: Response, work_id: str,
                        caller: Caller) -> ReferenceOut:
    """A work's manager adds reference media: audio (mp3, aac/m4a, ogg, opus, wav, flac), video
    (mp4, mov, webm, mkv) or an image (jpeg, png, webp). A file that cannot be decoded, or is not
    one of those formats whatever its name says, is 422 `unreadable_media`; longer than the
    allowed duration 422 `media_too_long`; larger than the size limit 413."""
    settings = request.app.state.settings

    def precheck() -> None:
        with unit_of_work(read_sessions(request)) as session:
            service.check_may_add(session, caller, work_id)

    await run_in_threadpool(precheck)
    spooled = await spool_request_file(request, intake.spool_folder(settings), prefix="media-",
                                       what="media file", limit=intake.size_limit(settings))
    try:
        received = service.ReceivedFile(spooled.sha256, spooled.byte_size, spooled.filename)
        out, created = await run_in_threadpool(
            intake.take_reference, write_sessions(request), settings, caller, work_id,
            spooled.path, received)
    finally:
        spooled.path.unlink(missing_ok=True)
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/references/{out.id}"
    return out


@router.get("/works/{work_id}/references", response_model=ReferenceList,
            tags=["identification"], responses=AUTHED)
async def list_references(request: Request, work_id: str, caller: Caller) -> ReferenceList:
    """The work's reference media (its managers only)."""
    def read() -> ReferenceList:
        with unit_of_work(read_sessions(request)) as session:
            return ReferenceList(items=[reference_out(r) for r in
                                        service.list_references(session, caller, work_id)])

    return await run_in_threadpool(read)


@router.get("/references/{reference_id}", response_model=ReferenceOut, tags=["identification"],
            responses=AUTHED)
async def get_reference(request: Request, reference_id: ReferenceId, caller: Caller) -> ReferenceOut:
    def read() -> ReferenceOut:
        with unit_of_work(read_sessions(request)) as session:
            return reference_out(service.get_reference(session, caller, reference_id))

    return await run_in_threadpool(read)


@router.delete("/references/{reference_id}", status_code=204, tags=["identification"],
               responses=WRITE)
async def delete_reference(request: Request, reference_id: ReferenceId, caller: Caller) -> Response:
    """Remove a reference: its row, its fingerprints and its stored file."""
    await run_in_threadpool(intake.forget_reference, write_sessions(request),
                            request.app.state.settings, caller, reference_id)
    return Response(status_code=204)
