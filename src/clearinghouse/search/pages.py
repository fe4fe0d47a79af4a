"""The start page and search: a few characters of a title, a creator, or an ISRC/ISWC."""

from __future__ import annotations

from fastapi import Query
from fastapi.responses import Response

from clearinghouse.api.deps import DB
from clearinghouse.search import service
from clearinghouse.search.query import MAX_QUERY_CHARS
from clearinghouse.web.pages import Page, page_router

router = page_router()


@router.get("/")
@router.get("/search")
def search(page: Page, db: DB, q: str = Query("", max_length=MAX_QUERY_CHARS)) -> Response:
    """Without JavaScript the form submits; with htmx the results follow the typing (the same
    page, of which htmx takes only the results)."""
    found = service.search(db, service.SearchParams(q=q, limit=20)) if q.strip() else None
    return page.render("search/search.html", q=q, found=found)
