"""The licensed file, from the licence page: a fresh signed download link (the delivery service
checks the licence and who asks); and a work's public preview (previews.py), never its file."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.errors import NotFound
from clearinghouse.licensing.delivery import previews
from clearinghouse.licensing.delivery import service as delivery
from clearinghouse.web.pages import Page, SignedInPerson, page_router

router = page_router()


@router.get("/licences/{license_id}/file")
def licensed_file(page: Page, db: DB, person: SignedInPerson, request: Request,
                  license_id: str) -> Response:
    """A fresh signed link to the licensed file (the delivery service checks the licence)."""
    _, links = delivery.issue_links(db, person.principal, license_id, None, settings_of(request))
    if not links:
        raise NotFound("the owner has not uploaded a file for this work yet", field="work_id")
    return page.redirect(f"/api/v1/downloads/{links[0]['token']}")


@router.get("/works/{work_id}/preview")
def work_preview(page: Page, db: DB, request: Request, work_id: str) -> Response:
    """A short, low-quality preview of the work's file (public, like the work page)."""
    found = previews.preview_of(db, settings_of(request), work_id)
    return FileResponse(found.path, media_type=found.media_type,
                        headers={"Cache-Control": "public, max-age=3600",
                                 "Content-Disposition": "inline"})
