"""A work's page: the song with its recordings (or a recording with its song), who holds what,
and the use form with its live price (licensing/quotes/pages.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB
from clearinghouse.licensing.quotes import pages as quote_pages
from clearinghouse.licensing.quotes import use_form
from clearinghouse.registry import repository, views, works_service
from clearinghouse.web.pages import Page, page_router

router = page_router()
LINKED_SHOWN = 20


@router.get("/works/{work_id}")
def work_page(page: Page, db: DB, work_id: str, request: Request) -> Response:
    work = works_service.get_work(db, work_id)
    holdings = views.holdings_out(db, list(repository.holdings_of_work(db, work.id)))
    links = repository.embodiment_links(db, [work.id], per_work=LINKED_SHOWN)
    recordings = [(link.linked_id, link.linked_title + (f" ({link.linked_code})" if link.linked_code else ""))
                  for link in links if link.linked_as == "recording"]
    songs = [link for link in links if link.linked_as == "composition"]
    # A song is licensed through one of its recordings: that clears the master and the song at once.
    default_work = recordings[0][0] if recordings else work.id
    params = dict(request.query_params)
    form = use_form.read(params, params.get("work_id") or default_work)
    rights = {h.id: ", ".join(page.gettext(quote_pages.RIGHT_LABELS.get(r, r)) for r in h.rights)
              for h in holdings}
    return page.render("registry/work.html", work=work, holdings=holdings, rights=rights, songs=songs,
                       **quote_pages.form_context(db, page, form, recordings))
