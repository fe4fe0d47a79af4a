"""The owner's reference media page on a work: the work's references and a form to add one
(references/intake.py, as the API does), and removing one. Only the work's managers see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.api.spool import spool_request_file
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError, NotFound
from clearinghouse.identification.references import intake, service
from clearinghouse.identification.references.domain import FORMATS
from clearinghouse.registry.works_service import get_work
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction
    return message


KIND_LABELS = {"audio": N_("audio"), "video": N_("video"), "image": N_("image")}
STATUS_LABELS = {"indexed": N_("fingerprinted, searchable"),
                 "stored": N_("kept, not fingerprinted yet")}


def _render(page: PageContext, request: Request, work_id: str, *, added: str | None = None,
            removed: bool = False, error: DomainError | None = None, status: int = 200) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        references = service.list_references(db, page.signed_in.principal, work_id)  # type: ignore[union-attr]
        work = get_work(db, work_id)
        return page.render("references/work_references.html", status_code=status, work=work,
                           references=references, added=added, removed=removed, error=error,
                           formats=FORMATS, kind_labels=KIND_LABELS, status_labels=STATUS_LABELS)


@router.get("/owner/works/{work_id}/references")
def work_references(page: Page, db: DB, person: SignedInPerson, request: Request, work_id: str,
                    added: str | None = None, removed: str | None = None) -> Response:
    service.list_references(db, person.principal, work_id)  # a stranger: 403 as the API
    return _render(page, request, work_id, added=added, removed=removed == "1")


# The path ends in /references: the app's upload size limit applies, as to the API's.
@router.post("/owner/works/{work_id}/references")
async def add_reference(page: Page, person: SignedInPerson, request: Request,
                        work_id: str) -> Response:
    settings = request.app.state.settings

    def precheck() -> None:
        with unit_of_work(request.app.state.read_sessions) as db:
            service.check_may_add(db, person.principal, work_id)

    await run_in_threadpool(precheck)
    try:
        spooled = await spool_request_file(request, intake.spool_folder(settings), prefix="media-",
                                           what="media file", limit=intake.size_limit(settings))
        try:
            received = service.ReceivedFile(spooled.sha256, spooled.byte_size, spooled.filename)
            out, _ = await run_in_threadpool(intake.take_reference, write_sessions(request),
                                             settings, person.principal, work_id, spooled.path,
                                             received)
        finally:
            spooled.path.unlink(missing_ok=True)
    except DomainError as exc:
        if exc.status == 403 or exc.status == 404:
            raise
        return await run_in_threadpool(_render, page, request, work_id, error=exc,
                                       status=exc.status)
    return page.redirect(f"/owner/works/{work_id}/references?added={out.id}")


@router.post("/owner/works/{work_id}/references/{reference_id}/delete")
def remove_reference(page: Page, person: SignedInPerson, request: Request, work_id: str,
                     reference_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        reference = service.get_reference(db, person.principal, reference_id)
        if reference.work_id != work_id:
            raise NotFound(f"reference {reference_id} not found", field="reference_id")
    intake.forget_reference(write_sessions(request), request.app.state.settings, person.principal,
                            reference_id)
    return page.redirect(f"/owner/works/{work_id}/references?removed=1")
