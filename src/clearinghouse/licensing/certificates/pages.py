"""The public verify page (no sign-in): drop a certificate JSON, its PDF or a delivered media
file, or type a licence id (the certificate's QR link opens /verify/{id}); the answer for a day
in plain words, in Chinese and English, with the signed terms. The verification service decides
everything; this module only reads the form and shows its answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.bounds import EARLIEST_DATE, LATEST_DATE
from clearinghouse.core.errors import DomainError, NotFound, PayloadTooLarge, ValidationFailed
from clearinghouse.licensing.certificates import service as certificates
from clearinghouse.licensing.certificates.schemas import VerifyResult
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
TEMPLATE = "certificates/verify.html"


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


HEADLINES = {
    "valid": N_("Genuine, and valid on this day"),
    "not_yet_valid": N_("Genuine, but not yet valid on this day"),
    "pending_payment": N_("Genuine, but not paid, so not in force on this day"),
    "suspended": N_("Genuine, but suspended on this day"),
    "revoked": N_("Genuine, but revoked"),
    "expired": N_("Genuine, but expired on this day"),
    "tampered": N_("Not genuine: changed after it was signed"),
    "unknown_key": N_("Not genuine: not signed by this clearinghouse"),
    "malformed": N_("Cannot be checked: the signature is missing or damaged"),
    "unknown_license": N_("Signed, but no such licence here"),
}
CHECKED = {"certificate": N_("the certificate's signature"), "credential": N_("the credential's proof"),
           "license": N_("the licence record")}
ERRORS = {413: N_("The file is too large to be a certificate."),
          422: N_("This is not a certificate, its PDF or a file delivered with one."),
          404: N_("No such licence here. Check the licence id.")}


BAD_DAY = N_("The day must be a date between %(first)s and %(last)s.")
NO_FILE = N_("Choose a certificate file to check.")


class FormProblem(ValidationFailed):
    """A field of this page's form is wrong; the message is a msgid of the catalogue."""


def _day(value: Any) -> date | None:
    """The day asked, from the form; empty: today. A day the service cannot answer for is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise FormProblem(BAD_DAY, field="at") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise FormProblem(BAD_DAY, field="at")
    return day


def _problem_words(page: PageContext, problem: DomainError) -> dict[str, str]:
    if isinstance(problem, FormProblem):
        return {"message": page.gettext(problem.message, first=EARLIEST_DATE.isoformat(),
                                        last=LATEST_DATE.isoformat()), "detail": ""}
    known = ERRORS.get(problem.status)
    return {"message": page.gettext(known) if known else page.explain(problem).text,
            "detail": problem.message}


def _page(page: PageContext, answer: VerifyResult | None = None, *, status_code: int = 200,
          problem: DomainError | None = None, license_id: str = "", at: str = "") -> Response:
    view = None
    if answer is not None:
        view = {"answer": answer, "headline": page.gettext(HEADLINES[answer.result]),
                "checked": page.gettext(CHECKED[answer.verified]) if answer.verified else None,
                "words": _both_languages(page, answer)}
    error = _problem_words(page, problem) if problem is not None else None
    return page.render(TEMPLATE, status_code=status_code, view=view, error=error,
                       license_id=license_id, at=at or "")


def _both_languages(page: PageContext, answer: VerifyResult) -> list[dict[str, Any]]:
    """The answer and its terms in both languages, the visitor's first."""
    terms = answer.terms
    zh = {"lang": "zh-CN", "message": answer.message_zh, "terms": terms.in_words_zh if terms else []}
    en = {"lang": "en", "message": answer.message, "terms": terms.in_words if terms else []}
    return [zh, en] if page.lang == "zh" else [en, zh]


def _status_of(request: Request, license_id: str, day: date | None) -> VerifyResult:
    with request.app.state.read_sessions() as session:
        return certificates.public_status(session, license_id, day)


async def _answer_for_id(page: PageContext, request: Request, license_id: str, at: str | None) -> Response:
    license_id = license_id.strip()
    try:
        answer = await run_in_threadpool(_status_of, request, license_id, _day(at))
    except (NotFound, ValidationFailed) as exc:
        return _page(page, status_code=exc.status, problem=exc, license_id=license_id, at=at or "")
    return _page(page, answer, license_id=license_id, at=at or "")


@router.get("/verify")
async def verify_form(page: Page, request: Request, license_id: str | None = None,
                      at: str | None = None) -> Response:
    """The form; with `license_id` (the id typed in), the answer for that licence."""
    if license_id and license_id.strip():
        return await _answer_for_id(page, request, license_id, at)
    return _page(page, at=at or "")


@router.get("/verify/{license_id}")
async def verify_licence(page: Page, request: Request, license_id: str,
                         at: str | None = None) -> Response:
    """Where a certificate's QR code leads a browser (API clients get the JSON answer)."""
    return await _answer_for_id(page, request, license_id, at)


@router.post("/verify")
async def verify_file(page: Page, request: Request) -> Response:
    """A dropped file. The upload is read whole (the body size limit applies, as on the API's
    verify) before a database session is opened."""
    form = await request.form(max_files=1, max_fields=3)
    upload, at = form.get("file"), form.get("at")
    at_text = at if isinstance(at, str) else ""
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise FormProblem(NO_FILE, field="file")
        data = await upload.read()
        day = _day(at_text)
        settings = settings_of(request)

        def check() -> VerifyResult:
            with request.app.state.read_sessions() as session:
                return certificates.verify_bytes(session, data, settings, day)

        answer = await run_in_threadpool(check)
    except (PayloadTooLarge, ValidationFailed) as exc:
        return _page(page, status_code=exc.status, problem=exc, at=at_text)
    return _page(page, answer, at=at_text)


# A signed-in licensee's own certificate, from the licence page (licensing/licenses/pages.py).
@router.get("/licences/{license_id}/certificate.pdf")
def certificate_pdf(db: DB, person: SignedInPerson, request: Request, license_id: str) -> Response:
    lic = licenses.get_license(db, person.principal, license_id)
    data = certificates.pdf(lic, settings_of(request))
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{lic.id}.pdf"'})
