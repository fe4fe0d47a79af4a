"""Delivery endpoints: owners upload a work's file; licensees get a signed link and download it.

The upload streams the body to a temporary file without holding a database transaction (on SQLite
an open write transaction would block every other writer for the length of the upload); the work
row is updated in a short transaction of its own once the file is complete.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from clearinghouse.api.deps import DB, Caller
from clearinghouse.api.responses import AUTHED, WRITE, errors
from clearinghouse.core import files
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import NotFound, ValidationFailed
from clearinghouse.core.text import SingleLine, TextRefused, clean
from clearinghouse.licensing.certificates.x509 import ensure_signing_material
from clearinghouse.licensing.delivery import provenance
from clearinghouse.licensing.delivery import service as delivery
from clearinghouse.licensing.delivery.schemas import (
    DownloadLink,
    DownloadLinkRequest,
    DownloadLinks,
    FileOut,
)
from clearinghouse.registry.works_service import get_work, require_manage

router = APIRouter(prefix="/api/v1")



async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=2)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed("send the file as the multipart field `file`", field="file")
        request.state.upload_name = upload.filename
        while chunk := await upload.read(files.CHUNK):
            yield chunk
        return
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _check_upload_name(name: str) -> None:
    try:
        clean(name)
    except TextRefused as exc:
        raise ValidationFailed(f"file: the file's name {exc}", field="file") from None


@router.put(
    "/works/{work_id}/file",
    response_model=FileOut,
    tags=["delivery"],
    responses=WRITE | errors(413),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
async def upload_file(
    request: Request,
    work_id: str,
    caller: Caller,  # authenticated in a short read transaction of its own (api/auth.py)
    file_name: Annotated[str | None, Query(max_length=300), SingleLine] = None,
) -> FileOut:
    """Owner (or its agent): the file licensees download. Raw body or multipart `file`, at most
    `max_upload_bytes`. Stored whole or not at all; replacing a file keeps no stale copy."""
    settings = request.app.state.settings
    store = delivery.store_for(settings)
    sessions = request.app.state.sessions

    def precheck() -> None:  # refuse a stranger before accepting a large body
        with request.app.state.read_sessions() as session:
            require_manage(session, caller, get_work(session, work_id))

    await run_in_threadpool(precheck)
    request.state.upload_name = None
    staged = await store.stage(_body_chunks(request), settings.max_upload_bytes)
    key = delivery.file_key(work_id, staged.sha256)
    name = file_name or request.state.upload_name

    def save() -> FileOut:
        existed = store.exists(key)
        if existed:
            store.discard(staged)  # the same bytes are already stored under their hash
        else:
            store.commit(staged, key)
        try:
            with unit_of_work(sessions) as session:
                work, previous = delivery.attach_file(session, caller, work_id, staged, name, store)
                out = FileOut(
                    work_id=work.id,
                    file_name=work.file_name,
                    size=staged.size,
                    sha256=staged.sha256,
                    version=work.version,
                )
        except BaseException:
            if not existed:
                store.delete(key)
            raise
        if previous:
            store.delete(previous)
        return out

    try:
        if name and not file_name:  # the multipart file name: the same text rule as `file_name`
            _check_upload_name(name)
        return await run_in_threadpool(save)
    finally:
        store.discard(staged)  # a no-op once committed; cleans up after any failure


@router.post(
    "/licenses/{license_id}/download-link",
    response_model=DownloadLinks,
    tags=["delivery"],
    responses=AUTHED | errors(410),
)
def download_link(
    db: DB,
    caller: Caller,
    request: Request,
    license_id: str,
    body: DownloadLinkRequest | None = None,
) -> DownloadLinks:
    """Licensee: short-lived signed links to the licensed files (active licenses only)."""
    settings = request.app.state.settings
    expires, links = delivery.issue_links(
        db, caller, license_id, body.work_id if body else None, settings
    )
    return DownloadLinks(
        license_id=license_id, expires_at=expires, links=[DownloadLink(**x) for x in links]
    )


DOWNLOAD_ERRORS = errors(401, 403, 404, 410, 422, 429, 500, 503)


@router.get(
    "/downloads/{token}",
    tags=["delivery"],
    response_class=StreamingResponse,
    responses=DOWNLOAD_ERRORS
    | {200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def download(request: Request, token: str) -> StreamingResponse:
    """The file behind a signed link; no API key needed (the link is the permission). Each
    download is counted on the license. Images, video and audio come with the licence inside, in
    a C2PA manifest signed by the clearinghouse (`X-Licence-Manifest: c2pa`); the licence is also
    at the `Link: rel="license"` address, for formats that cannot carry it."""
    settings = request.app.state.settings
    with request.app.state.read_sessions() as session:
        plan = delivery.plan_download(session, token, settings)
    store = delivery.store_for(settings)
    # Signing reads the whole file: done outside any transaction, and once per licence and file.
    delivered = provenance.delivered_file(
        store, license_id=plan.license_id, file_key=plan.file_key, file_sha256=plan.file_sha256,
        file_size=plan.file_size, file_name=plan.file_name, document=plan.certificate,
        material=ensure_signing_material(settings.keys_dir), work_dir=settings.data_dir / "signing",
    )
    with unit_of_work(request.app.state.sessions) as session:
        delivery.open_download(session, token, settings, delivered.size)
    headers = delivery.content_disposition(plan.file_name, f"{plan.work_id}.bin")
    headers["Content-Length"] = str(delivered.size)
    headers["X-Content-SHA256"] = delivered.sha256
    headers["X-Licence-Manifest"] = "c2pa" if delivered.embedded else "none"
    headers["Link"] = f'<{settings.public_url}/api/v1/downloads/{token}/licence.json>; rel="license"'
    return StreamingResponse(
        store.iter_bytes(delivered.key), media_type="application/octet-stream", headers=headers
    )


@router.get(
    "/downloads/{token}/licence.json",
    tags=["delivery"],
    responses=DOWNLOAD_ERRORS
    | {200: {"content": {"application/json": {}}, "description": "The signed licence"}},
)
def download_licence(request: Request, token: str) -> Response:
    """The licence of the file behind a signed link, to keep beside it (`<name>.licence.json`):
    the signed certificate, checkable at POST /api/v1/certificates/verify. Not counted as a
    download."""
    settings = request.app.state.settings
    with request.app.state.read_sessions() as session:
        plan = delivery.plan_download(session, token, settings)
    if plan.certificate is None:
        raise NotFound("this license has no certificate yet", field="token")
    name = provenance.sidecar_name(plan.file_name, f"{plan.work_id}.bin")
    return Response(provenance.sidecar_content(plan.certificate), media_type="application/json",
                    headers=delivery.content_disposition(name, name))
