"""`GET /api/v1/works`: the public catalogue search."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from clearinghouse.api.auth import check_credentials
from clearinghouse.api.deps import MaybeCaller
from clearinghouse.api.responses import PUBLIC
from clearinghouse.core.db import unit_of_work
from clearinghouse.search import service
from clearinghouse.search.query_params import SearchQuery, parse_search_query
from clearinghouse.search.schemas import SearchPage

router = APIRouter(prefix="/api/v1")
PATH = "/api/v1/works"


class SearchRoute(BaseRoute):
    """`GET /api/v1/works`, served ahead of the routing table (api/app.py puts it first).

    FastAPI would solve the route's dependencies and check its 22 query parameters one by one,
    looking at each one's type on every request: more CPU than a typical search's SQL. Here the
    key is checked as the app-wide dependency checks it and the query is validated in one call
    (search/query_params.py) with the same error locations. The documented route below gives the
    OpenAPI document (its parameters come from the same model) and answers the same way; it
    still takes any other method (a 405 says `Allow: GET`), as this route matches only a GET.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (scope["type"] == "http" and scope["method"] == "GET"
                and scope["path"] == scope.get("root_path", "") + PATH):
            return Match.FULL, {"path_params": {}}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        await check_credentials(request)
        query = parse_search_query(request.query_params)
        response = await run_in_threadpool(_search, request.app.state.read_sessions,
                                           query.search_params())
        await response(scope, receive, send)


@router.get("/works", response_model=SearchPage, tags=["works", "search"], responses=PUBLIC)
async def search_works(request: Request, viewer: MaybeCaller,
                       query: Annotated[SearchQuery, Query()]) -> Response:
    """Search the registry of works. Public: no API key is needed (a bad key is still refused).

    **Text.** `q` is normalised (NFKC, so full-width letters fold to ASCII; case and Latin
    accents ignored) and split into Chinese/Japanese characters and words. A work matches when
    every word (and every run of consecutive Chinese characters, as a phrase) is found in its
    title, alternative titles, creators, tags or identifiers; a creator's words must come from
    one name, never joined with another field's or another creator's. A phrase never runs
    across brackets or clause punctuation (`克现` does not find `坦克（现场版）`). Punctuation and
    symbols only separate words: no query syntax is interpreted. A `q` with nothing searchable in it (only
    emoji or punctuation) matches nothing; an empty or missing `q` lists every work that passes
    the filters.

    **Filters** (`type`, `tag`, `creator`, `owner`, `identifier`, `language`) narrow the result
    and combine with each other and with `q`.

    **Order.** Best match first, in tiers: the title equals the query (`exact_title`), the title
    contains it as a phrase (`title_phrase`), the title contains every word with the last as a
    prefix (`title_partial`), then the same for alternative titles, then creators' names (for
    a query of several words, a creator's whole name comes before titles that merely hold its
    words), then anything else. Within a tier (up to 1,000 matches): works whose matched field
    is shorter first, then works with more licences sold, then older registrations; beyond
    1,000 matches, older registrations first. The order is identical on SQLite and
    PostgreSQL. Each item's `match` names its tier and `score` is its rank position (1 = best).

    **Paging.** `offset`/`limit` (at most 100). `total` counts matches up to 1,000; beyond
    that it is 1,000 and `total_capped` is true (every page can still be fetched).

    **By intended use.** With `purpose`, `channels` and any of `uses`, `portion_unit`/
    `portion_value`, `modified`, `territories`, `territories_excluded`, `start`, `term_days`
    (or `perpetual`), `exclusive`, `currency` (the names and rules of a quote's use), only works
    that routine offers clear for that use are listed: a quote for that use of the work would
    price every right and every co-holder's share without a referral. Each item then carries
    `from_price`, that quote's total; `total` counts the filtered works. A bad use is a 422
    naming the field, as for a quote.

    Example: `GET /api/v1/works?q=夏日&type=audiovisual_work&limit=10`;
    `GET /api/v1/works?purpose=commercial&channels=douyin&portion_unit=seconds&portion_value=15`
    """
    return await run_in_threadpool(_search, request.app.state.read_sessions, query.search_params())


def _search(sessions: sessionmaker[Session], params: service.SearchParams) -> Response:
    """The whole search in one worker thread, its read transaction included: a `DB` dependency
    would open and close the session in two further trips through the thread pool, which cost
    more than a typical search does (see docs/search.md, "Measured"). The answer is serialised
    here, once, from plain data shaped as `SearchPage` (the route's documented model): FastAPI
    would otherwise validate and dump the page's every nested item again."""
    with unit_of_work(sessions) as session:
        answer = service.search_answer(session, params)
    return Response(orjson.dumps(answer), media_type="application/json")
