"""The licensed file, from the licence page: a fresh signed download link (the delivery service
checks the licence and who asks)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.errors import NotFound
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
