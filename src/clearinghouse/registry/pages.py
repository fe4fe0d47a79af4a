"""The owner's pages: its works with who holds what and open conflicts, and registering one
(registry/owner_service.py). A work's public page, with the use form and its price, is the
quotes' (licensing/quotes/pages.py): registry sits below licensing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, DomainError, StaleVersion, ValidationFailed
from clearinghouse.core.shares import format_share
from clearinghouse.registry import owner_service, repository, works_service
from clearinghouse.registry.schemas import WorkCreate, WorkUpdate
from clearinghouse.registry.tables import Work
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router

router = page_router()


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction
    return message


# Rights as a person reads them (the licensee's price lines and the owner's holdings).
RIGHT_LABELS = {
    "reproduce": N_("reproduction"), "distribute": N_("distribution"),
    "perform_public": N_("public performance"), "display_public": N_("public display"),
    "modify": N_("adaptation"), "synchronisation": N_("synchronisation (the song in a video)"),
    "mechanical": N_("mechanical"), "master_use": N_("master use (the recording)"),
    "name_likeness": N_("name and likeness"),
}


# The owner's pages: its works with who holds what and open conflicts, and registering a work.
OWN_WORKS_SHOWN = 20
Text = Annotated[str, Form(max_length=600)]
KIND_LABELS = {"over_claim": N_("shares add up to more than 100%"), "claim": N_("a claim waits for a decision")}
# A holding's status on the owner's holdings page (holdings_pages.py; messages are extracted from pages.py).
STATUS_LABELS = {"active": N_("accepted"), "pending": N_("claim, awaiting the work's managers"),
                 "rejected": N_("claim refused"), "withdrawn": N_("withdrawn")}


def _type_names(page: PageContext, db: Session) -> dict[str, str]:
    # Work types are data with a name in each language, not catalogue messages.
    return {t.code: t.name_zh if page.lang == "zh" else t.name_en for t in repository.list_work_types(db)}


def rights_text(page: PageContext, rights: list[str]) -> str:
    return ", ".join(page.gettext(RIGHT_LABELS.get(r, r)) for r in rights)


def _owned_view(page: PageContext, owned: owner_service.OwnedWork) -> dict[str, Any]:
    return {"work": owned.work,
            "holdings": [{"holder": h.holder_name, "rights": rights_text(page, h.rights), "share": h.share,
                          "territories": ", ".join(h.territories), "in_conflict": h.in_conflict}
                         for h in owned.holdings],
            "conflicts": [{"right": rights_text(page, [c.right]), "share": format_share(c.total_share_ppm),
                           "kind": page.gettext(KIND_LABELS.get(c.kind, c.kind))}
                          for c in owned.open_conflicts]}


@router.get("/owner/works")
def my_works(page: Page, db: DB, person: SignedInPerson,
             offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    owned, total = owner_service.works_of_owner(db, person.principal, offset=offset, limit=OWN_WORKS_SHOWN)
    return page.render("registry/my_works.html", works=[_owned_view(page, o) for o in owned], total=total,
                       offset=offset, shown=OWN_WORKS_SHOWN, type_names=_type_names(page, db))


def _register_form(page: PageContext, db: Session, form: dict[str, str], error: DomainError | None,
                   status: int = 200) -> Response:
    return page.render("registry/register.html", status_code=status, form=form, error=error,
                       types=_type_names(page, db))


@router.get("/owner/works/new")
def register_form(page: Page, db: DB, person: SignedInPerson) -> Response:
    owner_service.require_owner(person.principal)
    return _register_form(page, db, {"type": "", "title": "", "creator": "", "length": "",
                                     "scheme": "", "identifier": ""}, None)


def _work_create(form: dict[str, str]) -> WorkCreate:
    """The form as the API's body, so the same validation answers; the first problem is shown."""
    body: dict[str, Any] = {"type": form["type"], "title": form["title"]}
    if form["creator"].strip():
        body["creators"] = [{"name": form["creator"], "role": "author"}]
    if form["length"].strip():
        body["length"] = form["length"].strip()
    if form["identifier"].strip():
        body["identifiers"] = [{"scheme": form["scheme"] or "isrc", "value": form["identifier"]}]
    return form_as_body(WorkCreate, body)


@router.post("/owner/works/new")
def register_work(page: Page, person: SignedInPerson, request: Request, type: Text = "",  # noqa: A002
                  title: Text = "", creator: Text = "", length: Text = "", scheme: Text = "",
                  identifier: Text = "") -> Response:
    owner_service.require_owner(person.principal)
    form = {"type": type, "title": title, "creator": creator, "length": length, "scheme": scheme,
            "identifier": identifier}
    try:
        with unit_of_work(write_sessions(request)) as db:
            work = works_service.create_work(db, person.principal, _work_create(form))
            work_id = work.id
    except (ValidationFailed, Conflict) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _register_form(page, db, form, exc, status=exc.status)
    return page.redirect(f"/owner/works/{work_id}?registered=1")


@router.get("/owner/works/{work_id}")
def my_work(page: Page, db: DB, person: SignedInPerson, work_id: str, registered: str | None = None,
            saved: str | None = None) -> Response:
    owned = owner_service.owned_work(db, person.principal, work_id)
    return page.render("registry/my_work.html", registered=registered == "1", saved=saved == "1",
                       type_names=_type_names(page, db), **_owned_view(page, owned))


# Editing a work: the form carries the version it showed, so a stale form is refused (412) as the
# API's If-Match is, with what was typed kept.
LongText = Annotated[str, Form(max_length=20_000)]


def _edit_values(db: Session, work: Work) -> dict[str, str]:
    outgoing = [r for r in repository.relations_of(db, work.id) if r.from_work_id == work.id]
    return {"title": work.title, "length": str(work.length or ""), "version": str(work.version),
            "creators": "\n".join(c.name for c in work.creators),
            "identifiers": "\n".join(f"{i.scheme.upper()} {i.value}" for i in work.identifiers),
            "relations": "\n".join(f"{r.kind} {r.to_work_id}" for r in outgoing)}


def _lines(text: str) -> list[list[str]]:
    return [line.split(None, 1) for line in text.splitlines() if line.strip()]


def _work_update(form: dict[str, str], work: Work) -> tuple[WorkUpdate, int | None]:
    """The form as the API's PATCH body (same validation); a creator keeps its role by name."""
    roles = {c.name: c.role for c in work.creators}
    body: dict[str, Any] = {
        "title": form["title"], "length": form["length"].strip() or None,
        "creators": [{"name": n, "role": roles.get(n, "author")}
                     for n in (line.strip() for line in form["creators"].splitlines()) if n],
        "identifiers": [{"scheme": p[0].lower(), "value": p[1] if len(p) > 1 else ""}
                        for p in _lines(form["identifiers"])],
        "relations": [{"kind": p[0].lower(), "work_id": p[1].strip() if len(p) > 1 else ""}
                      for p in _lines(form["relations"])]}
    if body["length"] is None:
        del body["length"]
    return form_as_body(WorkUpdate, body), int(form["version"]) if form["version"].isdigit() else None


def _edit_form(page: PageContext, work: Work, form: dict[str, str], error: DomainError | None,
               status: int = 200) -> Response:
    return page.render("registry/edit.html", status_code=status, work=work, form=form, error=error)


@router.get("/owner/works/{work_id}/edit")
def edit_form(page: Page, db: DB, person: SignedInPerson, work_id: str) -> Response:
    work = works_service.get_work(db, work_id)
    works_service.require_manage(db, person.principal, work)
    return _edit_form(page, work, _edit_values(db, work), None)


@router.post("/owner/works/{work_id}/edit")
def edit_work(page: Page, person: SignedInPerson, request: Request, work_id: str, title: Text = "",
              length: Text = "", creators: LongText = "", identifiers: LongText = "",
              relations: LongText = "", version: Text = "") -> Response:
    form = {"title": title, "length": length, "creators": creators, "identifiers": identifiers,
            "relations": relations, "version": version}
    try:
        with unit_of_work(write_sessions(request)) as db:
            work = works_service.get_work(db, work_id)
            works_service.require_manage(db, person.principal, work)
            data, seen_version = _work_update(form, work)
            works_service.update_work(db, person.principal, work_id, data, seen_version)
    except (ValidationFailed, Conflict, StaleVersion) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _edit_form(page, works_service.get_work(db, work_id), form, exc, status=exc.status)
    return page.redirect(f"/owner/works/{work_id}?saved=1")
