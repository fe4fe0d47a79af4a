"""Pydantic models of search results."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clearinghouse.registry.schemas import IdentifierOut, Page
from clearinghouse.search.query import TOTAL_CAP


class AltTitleOut(BaseModel):
    title: str
    language: str | None = None


class HolderOut(BaseModel):
    party_id: str
    name: str


class WorkHit(BaseModel):
    id: str
    type: str
    title: str
    alt_titles: list[AltTitleOut]
    creators: list[str] = Field(description="Creator names, in credit order")
    tags: list[str]
    identifiers: list[IdentifierOut]
    holders: list[HolderOut] = Field(description="Parties with an active holding, each once")
    score: int = Field(
        description="Rank position in this result (1 is the best match); integers, never floats"
    )
    match: str = Field(
        description="Why it matched, best first: exact_title, title_phrase, title_partial, "
        "alt_title_phrase, alt_title_partial, creator, other; `all` when there was no text query"
    )
    version: int


class SearchPage(Page[WorkHit]):
    total_capped: bool = Field(
        default=False,
        description="True when more works match than are counted: `total` is then the cap "
        f"({TOTAL_CAP:,}) and the real number is larger; every page can still be fetched",
    )
