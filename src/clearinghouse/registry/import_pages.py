"""The owner's bulk import: upload our CSV (or JSON) from a page; the import runs as the API's
job (import_endpoints.start_import, import_job.py) and its page shows the progress (htmx polls a
fragment; without JavaScript a refresh link) and, once done, each rejected row with its reasons."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.api.deps import DB
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.tables import Job
from clearinghouse.registry import owner_service
from clearinghouse.registry.import_endpoints import receive_upload, start_import
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_job import KIND
from clearinghouse.web.pages import Page, SignedInPerson, page_router

router = page_router()
ERRORS_SHOWN = 500  # rejected rows listed on the page; the whole report is the API's job


@router.get("/owner/import")
def import_form(page: Page, person: SignedInPerson) -> Response:
    owner_service.require_owner(person.principal)
    return page.render("registry/import.html", error=None, all_or_nothing=False, dry_run=False)


# The path ends in /file: the app's upload size limit (max_upload_bytes) applies, as to the API's.
@router.post("/owner/import/file")
async def upload_catalogue(page: Page, person: SignedInPerson, request: Request) -> Response:
    owner_service.require_owner(person.principal)
    form = await request.form()
    all_or_nothing, dry_run = form.get("all_or_nothing") == "yes", form.get("dry_run") == "yes"
    try:
        upload = await receive_upload(request)
        options = ImportOptions(format=None, encoding=None, filename=upload.filename,
                                content_type=upload.content_type, all_or_nothing=all_or_nothing,
                                dry_run=dry_run)
        job, _ = await start_import(request, person.principal, upload, options)
    except ValidationFailed as exc:
        return await run_in_threadpool(page.render, "registry/import.html", status_code=exc.status, error=exc,
                                       all_or_nothing=all_or_nothing, dry_run=dry_run)
    return page.redirect(f"/owner/import/{job.id}")


def _job_view(job: Job) -> dict[str, Any]:
    report = job.result or {}
    rejected = [r for r in report.get("rows", []) if r.get("status") == "rejected"]
    total = job.progress_total or 0
    return {"job": job, "done": job.status in ("succeeded", "failed"), "total": total,
            "percent": min(100, (job.progress_done * 100) // total) if total else 0,
            "report": report, "rejected": rejected[:ERRORS_SHOWN],
            "more_rejected": max(0, len(rejected) - ERRORS_SHOWN)}


def _own_import(db: DB, person: SignedInPerson, job_id: str) -> Job:
    owner_service.require_owner(person.principal)
    job = jobs.get_job(db, person.principal, job_id)  # another party's job is not found, as in the API
    if job.kind != KIND:
        raise ValidationFailed("this job is not an import", field="job_id")
    return job


@router.get("/owner/import/{job_id}")
def import_job(page: Page, db: DB, person: SignedInPerson, job_id: str) -> Response:
    return page.render("registry/import_job.html", **_job_view(_own_import(db, person, job_id)))


@router.get("/owner/import/{job_id}/progress")
def import_progress(page: Page, db: DB, person: SignedInPerson, job_id: str) -> Response:
    """The progress fragment htmx polls; once the job is over it brings the whole report."""
    return page.render("registry/import_progress.html", **_job_view(_own_import(db, person, job_id)))
