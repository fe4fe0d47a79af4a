"""The search's query parameters as one model: documented once, validated in one call.

FastAPI checks a route's query parameters one by one, looking at each one's type on every
request; for the search's 22 parameters that cost more CPU than a typical search's SQL. The
route's OpenAPI is generated from this model (`Annotated[SearchQuery, Query()]`), and the route
that serves requests (search/endpoints.py) validates the query string against it in a single
pydantic call, with FastAPI's error locations (`query.<name>`), so a bad value reads the same.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import QueryParams

from clearinghouse.licensing.terms import PortionUnit, Purpose
from clearinghouse.search.query import MAX_QUERY_CHARS
from clearinghouse.search.service import SearchParams
from clearinghouse.search.use_filter import UseParams

Count = Annotated[int | None, Field(ge=1, le=100_000)]


class SearchQuery(BaseModel):
    q: str | None = Field(
        None, max_length=MAX_QUERY_CHARS,
        description="Words of a title (Chinese or English), an alternative title, a creator, a "
        "tag or an identifier. Chinese matches any run of characters (`夏` or `夏日` inside "
        "`夏日城市`); the last English word matches as a prefix (`summ` finds Summer).",
        examples=["夏日", "summer city"])
    type: str | None = Field(
        None, max_length=40, description="A work type code; a parent type includes its subtypes "
        "(`audiovisual_work` also finds `short_video` and `film_clip`)")
    tag: str | None = Field(None, max_length=100, description="A tag, e.g. `美食`")
    creator: str | None = Field(
        None, max_length=200, description="Part of a creator's name (same matching as `q`)")
    owner: str | None = Field(
        None, max_length=300, description="A party id, or part of a party name: works it "
        "registered or holds an active share of")
    identifier: str | None = Field(
        None, max_length=200, description="`scheme:value`, normalised before the exact match: "
        "`isrc:CN-A00-17-00001` equals `isrc:CNA001700001`; platforms as `platform:douyin:123`")
    language: str | None = Field(None, max_length=20, description="e.g. `zh`, `en`")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip")
    limit: int = Field(20, ge=1, le=100, description="Items per page (at most 100)")
    purpose: Purpose | None = Field(
        None, description="Intended use (any use parameter turns the use filter on; `purpose` "
        "and `channels` are then required): internal, non_commercial, commercial, advertising")
    channels: list[str] | None = Field(
        None, max_length=20, description="Where the work appears: a platform code or name "
        "(`douyin`, 抖音, B站) or `web`, `broadcast`, `physical`, `internal_network`; repeat for "
        "several")
    uses: Count = Field(None, description="Placements in one production (default 1)")
    portion_unit: PortionUnit | None = Field(
        None, description="How much of the work: whole (default), seconds, percent, words")
    portion_value: Count = Field(None, description="e.g. 15 with `portion_unit=seconds`")
    modified: bool | None = Field(None, description="Edited, cut or adapted")
    territories: list[str] | None = Field(
        None, max_length=300, description="ISO 3166 codes or regions (default CN); repeat")
    territories_excluded: list[str] | None = Field(None, max_length=300)
    start: date | None = Field(None, description="First day (default today; never past)")
    term_days: int | None = Field(None, ge=1, le=36_600, description="Days (default 365)")
    perpetual: bool = Field(False, description="No end date (instead of term_days)")
    exclusive: bool | None = None
    currency: str | None = Field(
        None, max_length=3, description="Currency of `from_price` (default CNY)")

    def search_params(self) -> SearchParams:
        use = UseParams(
            purpose=self.purpose.value if self.purpose else None,
            channels=tuple(self.channels or ()), uses=self.uses,
            portion_unit=self.portion_unit.value if self.portion_unit else None,
            portion_value=self.portion_value, modified=self.modified,
            territories=tuple(self.territories or ()),
            territories_excluded=tuple(self.territories_excluded or ()), start=self.start,
            term_days=self.term_days, perpetual=self.perpetual, exclusive=self.exclusive,
            currency=self.currency)
        return SearchParams(q=self.q, type=self.type, tag=self.tag, creator=self.creator,
                            owner=self.owner, identifier=self.identifier, language=self.language,
                            offset=self.offset, limit=self.limit, use=use)


# Repeatable parameters take every value; the others the last one, as FastAPI reads them.
_LISTS = frozenset(name for name, field in SearchQuery.model_fields.items()
                   if field.annotation == (list[str] | None))


def parse_search_query(query: QueryParams) -> SearchQuery:
    """The query string as a `SearchQuery`, or RequestValidationError located as FastAPI's."""
    values: dict[str, Any] = {}
    for name in query:
        if name in SearchQuery.model_fields:
            values[name] = query.getlist(name) if name in _LISTS else query[name]
    try:
        return SearchQuery.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]) from None
