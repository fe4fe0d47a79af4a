"""`GET /api/v1/works`: the public catalogue search."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from clearinghouse.api.deps import Limit, MaybeCaller, Offset
from clearinghouse.api.responses import PUBLIC
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.terms import PortionUnit, Purpose
from clearinghouse.search import service
from clearinghouse.search.query import MAX_QUERY_CHARS
from clearinghouse.search.schemas import SearchPage
from clearinghouse.search.use_filter import UseParams

router = APIRouter(prefix="/api/v1")


@router.get("/works", response_model=SearchPage, tags=["works", "search"], responses=PUBLIC)
async def search_works(
    request: Request,
    viewer: MaybeCaller,
    q: Annotated[str | None, Query(
        max_length=MAX_QUERY_CHARS,
        description="Words of a title (Chinese or English), an alternative title, a creator, a "
        "tag or an identifier. Chinese matches any run of characters (`夏` or `夏日` inside "
        "`夏日城市`); the last English word matches as a prefix (`summ` finds Summer).",
        examples=["夏日", "summer city"],
    )] = None,
    type: Annotated[str | None, Query(
        max_length=40, description="A work type code; a parent type includes its subtypes "
        "(`audiovisual_work` also finds `short_video` and `film_clip`)")] = None,
    tag: Annotated[str | None, Query(max_length=100, description="A tag, e.g. `美食`")] = None,
    creator: Annotated[str | None, Query(
        max_length=200, description="Part of a creator's name (same matching as `q`)")] = None,
    owner: Annotated[str | None, Query(
        max_length=300, description="A party id, or part of a party name: works it registered "
        "or holds an active share of")] = None,
    identifier: Annotated[str | None, Query(
        max_length=200, description="`scheme:value`, normalised before the exact match: "
        "`isrc:CN-A00-17-00001` equals `isrc:CNA001700001`; platforms as "
        "`platform:douyin:123`")] = None,
    language: Annotated[str | None, Query(max_length=20, description="e.g. `zh`, `en`")] = None,
    offset: Offset = 0,
    limit: Limit = 20,
    purpose: Annotated[Purpose | None, Query(
        description="Intended use (any use parameter turns the use filter on; `purpose` and "
        "`channels` are then required): internal, non_commercial, commercial, advertising")] = None,
    channels: Annotated[list[str] | None, Query(
        max_length=20, description="Where the work appears: a platform code or name (`douyin`, "
        "抖音, B站) or `web`, `broadcast`, `physical`, `internal_network`; repeat for several")] = None,
    uses: Annotated[int | None, Query(ge=1, le=100_000, description="Placements in one "
                                      "production (default 1)")] = None,
    portion_unit: Annotated[PortionUnit | None, Query(
        description="How much of the work: whole (default), seconds, percent, words")] = None,
    portion_value: Annotated[int | None, Query(ge=1, le=100_000, description="e.g. 15 with "
                                               "`portion_unit=seconds`")] = None,
    modified: Annotated[bool | None, Query(description="Edited, cut or adapted")] = None,
    territories: Annotated[list[str] | None, Query(
        max_length=300, description="ISO 3166 codes or regions (default CN); repeat")] = None,
    territories_excluded: Annotated[list[str] | None, Query(max_length=300)] = None,
    start: Annotated[date | None, Query(description="First day (default today; never past)")] = None,
    term_days: Annotated[int | None, Query(ge=1, le=36_600,
                                           description="Days (default 365)")] = None,
    perpetual: Annotated[bool, Query(description="No end date (instead of term_days)")] = False,
    exclusive: Annotated[bool | None, Query()] = None,
    currency: Annotated[str | None, Query(max_length=3, description="Currency of `from_price` "
                                          "(default CNY)")] = None,
) -> Response:
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
    use = UseParams(
        purpose=purpose.value if purpose else None, channels=tuple(channels or ()), uses=uses,
        portion_unit=portion_unit.value if portion_unit else None, portion_value=portion_value,
        modified=modified, territories=tuple(territories or ()),
        territories_excluded=tuple(territories_excluded or ()), start=start, term_days=term_days,
        perpetual=perpetual, exclusive=exclusive, currency=currency)
    params = service.SearchParams(
        q=q, type=type, tag=tag, creator=creator, owner=owner, identifier=identifier,
        language=language, offset=offset, limit=limit, use=use,
    )
    return await run_in_threadpool(_search, request.app.state.read_sessions, params)


def _search(sessions: sessionmaker[Session], params: service.SearchParams) -> Response:
    """The whole search in one worker thread, its read transaction included: a `DB` dependency
    would open and close the session in two further trips through the thread pool, which cost
    more than a typical search does (see docs/search.md, "Measured"). The answer is serialised
    here, once, from plain data shaped as `SearchPage` (the route's documented model): FastAPI
    would otherwise validate and dump the page's every nested item again."""
    with unit_of_work(sessions) as session:
        answer = service.search_answer(session, params)
    return Response(orjson.dumps(answer), media_type="application/json")
