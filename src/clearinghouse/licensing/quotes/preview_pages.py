"""What a buyer would pay: the owner picks one of its works and a use, and sees the price a buyer
is quoted (the quote service's, through the same use form and price as the work page; nothing is
priced here). Beside the use form because rate cards (catalogue) sit below quotes."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB
from clearinghouse.licensing.quotes import use_form
from clearinghouse.licensing.quotes.pages import form_context
from clearinghouse.registry import owner_service
from clearinghouse.web.pages import Page, SignedInPerson, page_router

router = page_router()
WORKS_OFFERED = 100


@router.get("/owner/price-preview")
def price_preview(page: Page, db: DB, person: SignedInPerson, request: Request) -> Response:
    owned, _ = owner_service.works_of_owner(db, person.principal, offset=0, limit=WORKS_OFFERED)
    works = [(o.work.id, o.work.title) for o in owned]
    params = dict(request.query_params)
    chosen = params.get("work_id") or (works[0][0] if works else "")
    if not chosen:
        return page.render("quotes/owner_preview.html", works=works, no_works=True)
    if chosen not in dict(works):  # a work named by URL that is not the owner's: refused as on its page
        owner_service.owned_work(db, person.principal, chosen)
        works.insert(0, (chosen, chosen))
    return page.render("quotes/owner_preview.html", works=works, no_works=False,
                       **form_context(db, page, use_form.read(params, chosen)))
