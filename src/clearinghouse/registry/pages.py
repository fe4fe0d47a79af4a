"""The owner's pages: its works with who holds what and open conflicts, and registering one
(registry/owner_service.py). A work's public page, with the use form and its price, is the
quotes' (licensing/quotes/pages.py): registry sits below licensing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, DomainError, ValidationFailed
from clearinghouse.core.shares import format_share
from clearinghouse.registry import owner_service, repository, works_service
from clearinghouse.registry.schemas import WorkCreate
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

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


def _type_names(page: PageContext, db: Session) -> dict[str, str]:
    # Work types are data with a name in each language, not catalogue messages.
    return {t.code: t.name_zh if page.lang == "zh" else t.name_en for t in repository.list_work_types(db)}


def _rights(page: PageContext, rights: list[str]) -> str:
    return ", ".join(page.gettext(RIGHT_LABELS.get(r, r)) for r in rights)


def _owned_view(page: PageContext, owned: owner_service.OwnedWork) -> dict[str, Any]:
    return {"work": owned.work,
            "holdings": [{"holder": h.holder_name, "rights": _rights(page, h.rights), "share": h.share,
                          "territories": ", ".join(h.territories), "in_conflict": h.in_conflict}
                         for h in owned.holdings],
            "conflicts": [{"right": _rights(page, [c.right]), "share": format_share(c.total_share_ppm),
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
    try:
        return WorkCreate.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]) if first["loc"] else None
        raise ValidationFailed(f"{where}: {first['msg']}" if where else first["msg"], field=where) from exc


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
def my_work(page: Page, db: DB, person: SignedInPerson, work_id: str, registered: str | None = None) -> Response:
    owned = owner_service.owned_work(db, person.principal, work_id)
    return page.render("registry/my_work.html", registered=registered == "1", type_names=_type_names(page, db),
                       **_owned_view(page, owned))
