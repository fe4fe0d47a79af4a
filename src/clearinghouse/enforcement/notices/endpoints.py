"""Notices: the list a party may read, and each notice as HTML or PDF in either language."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, Caller, settings_of
from clearinghouse.api.responses import AUTHED
from clearinghouse.enforcement.notices import service
from clearinghouse.enforcement.notices.schemas import NoticeOut, notice_out

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])
NoticeId = Path(max_length=40, pattern=r"^[A-Za-z0-9_]+$")
# The document is one page of its own: its inline styles are allowed, nothing else.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
DOCUMENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.get("", response_model=list[NoticeOut], responses=AUTHED)
def list_notices(db: DB, caller: Caller, request: Request) -> list[NoticeOut]:
    """The latest 500 notices sent to the caller's platform or on the caller's behalf as owner
    (the operator: all), newest first."""
    base = settings_of(request).public_url
    return [notice_out(row, base) for row in service.list_notices(db, caller)]


@router.get("/{notice_id}", response_class=Response, responses=AUTHED | {
    200: {"content": {"text/html": {}, "application/pdf": {}},
          "description": "The notice document"}})
def get_notice(db: DB, caller: Caller, notice_id: str = NoticeId,
               format: Literal["html", "pdf"] = Query("html"),  # noqa: A002
               lang: Literal["zh", "en"] = Query("zh")) -> Response:
    """A notice as a document (HTML, or `?format=pdf`; Chinese, or `?lang=en`), for the owner
    it was sent for, the platform it was sent to and the operator."""
    row = service.get_notice(db, caller, notice_id)
    data = service.document(row, lang, format)
    headers = {"Content-Security-Policy": DOCUMENT_CSP}
    if format == "pdf":
        headers["Content-Disposition"] = f'inline; filename="{row.id}-{lang}.pdf"'
    return Response(data, media_type=DOCUMENT_TYPES[format], headers=headers)
