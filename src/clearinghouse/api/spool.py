"""An uploaded file received before any transaction: written to a spool file as it arrives
(a multipart form's field `file`, or the raw body), hashed on the way, bounded in size.

The catalogue import and usage reports both take files this way; holding no transaction while
a slow client sends is what keeps one upload from stalling every other write."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from clearinghouse.core.errors import PayloadTooLarge, ValidationFailed

CHUNK = 1_048_576


@dataclass(frozen=True)
class SpooledFile:
    path: Path
    sha256: str
    byte_size: int
    filename: str | None  # as the multipart part named it
    content_type: str | None  # the part's, or the body's media type


async def spool_request_file(request: Request, folder: Path, *, prefix: str, what: str,
                             limit: int | None = None, too_large_hint: str = "") -> SpooledFile:
    """The request's file in `folder`; 422 without a file (or, with a `limit`, an empty one),
    413 past `limit` bytes. The spool file is removed whenever this raises."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=prefix, dir=folder)
    digest, size = hashlib.sha256(), 0
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    filename = None
    content_type = media or None
    try:
        with os.fdopen(handle, "wb") as out:
            if media == "multipart/form-data":
                form = await request.form(max_files=1, max_fields=10)
                part = form.get("file")
                if not isinstance(part, UploadFile):
                    raise ValidationFailed(f"send the {what} in the multipart field `file`",
                                           field="file")
                filename, content_type = part.filename, part.content_type
                chunks = _parts(part)
            else:
                chunks = request.stream()
            async for chunk in chunks:
                size += len(chunk)
                if limit is not None and size > limit:
                    raise PayloadTooLarge(f"the {what} is over the limit of {limit} bytes"
                                          f"{too_large_hint}", details={"limit_bytes": limit})
                digest.update(chunk)
                out.write(chunk)
        if limit is not None and size == 0:
            raise ValidationFailed(f"the {what} is empty", field="body")
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return SpooledFile(Path(name), digest.hexdigest(), size, filename, content_type)


async def _parts(part: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await part.read(CHUNK):
        yield chunk
