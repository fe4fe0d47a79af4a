"""The platform console (/platform…), for a person whose party has the platform role: check
whether an upload's use is licensed, and the licences held for uses on the platform. The rules
are platform_console.py's and coverage.py's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import Response

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.api.deps import DB
from clearinghouse.core.errors import DomainError, Forbidden
from clearinghouse.licensing.licenses import platform_console
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.licensing.licenses.pages import STATUS_LABELS
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository as registry
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
SHOWN = 50


async def _platform(person: SignedInPerson) -> SignedIn:
    if not person.principal.has(Role.PLATFORM):
        raise Forbidden("only a platform uses the platform console")
    return person


PlatformPerson = Annotated[SignedIn, Depends(_platform)]


def _names(db: DB, page: PageContext, codes: list[str]) -> list[tuple[str, str]]:
    rows = {row.code: row for row in platforms_service.list_platforms(db)}
    return [(code, rows[code].name_zh if page.lang == "zh" else rows[code].name_en)
            for code in codes if code in rows]


@router.get("/platform")
def check_upload(page: Page, db: DB, person: PlatformPerson,
                 work: str = Query("", max_length=200), uploader: str = Query("", max_length=40),
                 channel: str = Query("", max_length=40), country: str = Query("CN", max_length=2),
                 on: date | None = None) -> Response:
    """The form, and its answer once a work and an uploader are given: licensed or not, with
    the licences that cover the use."""
    codes = platform_console.platforms_of(person.principal, db)
    chosen, day = channel or (codes[0] if codes else ""), on or licenses.today()
    values = {"work": work, "uploader": uploader, "channel": chosen, "country": country or "CN",
              "on": day}
    answer: dict[str, Any] | None = None
    problem, status = None, 200
    if work.strip() or uploader.strip():
        try:
            found = platform_console.check_upload(
                db, person.principal, work=work, uploader_id=uploader, channel=chosen,
                country=country or "CN", on=day)
            answer = {"licensed": found.licensed, "work": found.work.title, "work_id": found.work.id,
                      "uploader": found.uploader.name, "license_ids": found.license_ids,
                      "on": found.on, "country": found.country}
        except DomainError as exc:
            problem, status = exc.message, exc.status
    return page.render("licenses/platform_check.html", status_code=status, values=values,
                       platforms=_names(db, page, codes), answer=answer, problem=problem)


@router.get("/platform/licences")
def licences_on_platform(page: Page, db: DB, person: PlatformPerson,
                         channel: str = Query("", max_length=40), offset: int = Query(0, ge=0)) -> Response:
    """Licences that grant uses on the platform: who holds each, for which works, until when."""
    codes = platform_console.platforms_of(person.principal, db)
    chosen = channel or (codes[0] if codes else "")
    rows: Sequence[License] = []
    total = 0
    if chosen:
        rows, total = platform_console.licences_on(db, person.principal, chosen, offset=offset,
                                                   limit=SHOWN)
    titles = registry.works_by_ids(db, sorted({w for lic in rows for w in lic.work_ids}))
    names = {}
    for party_id in {lic.licensee_id for lic in rows}:
        party = registry.get_party(db, party_id)
        names[party_id] = party.name if party else party_id
    items = [{"id": lic.id, "licensee": names[lic.licensee_id], "licensee_id": lic.licensee_id,
              "titles": " · ".join(titles[w].title for w in lic.work_ids if w in titles),
              "status": page.gettext(STATUS_LABELS.get(licenses.effective_status(lic), lic.status)),
              "from": lic.valid_from, "to": lic.valid_to} for lic in rows]
    return page.render("licenses/platform_licences.html", items=items, total=total, offset=offset,
                       shown=SHOWN, channel=chosen, platforms=_names(db, page, codes))
