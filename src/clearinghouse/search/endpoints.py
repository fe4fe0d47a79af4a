"""`GET /api/v1/works`: the public catalogue search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from clearinghouse.api.deps import DB, Limit, MaybeCaller, Offset
from clearinghouse.api.responses import PUBLIC
from clearinghouse.search import service
from clearinghouse.search.query import MAX_QUERY_CHARS
from clearinghouse.search.schemas import SearchPage

router = APIRouter(prefix="/api/v1")


@router.get("/works", response_model=SearchPage, tags=["works", "search"], responses=PUBLIC)
def search_works(
    db: DB,
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
) -> SearchPage:
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

    Example: `GET /api/v1/works?q=夏日&type=audiovisual_work&limit=10`
    """
    return service.search(db, service.SearchParams(
        q=q, type=type, tag=tag, creator=creator, owner=owner, identifier=identifier,
        language=language, offset=offset, limit=limit,
    ))
