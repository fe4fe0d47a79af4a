"""Pydantic models of search results."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clearinghouse.core.schemas import Page
from clearinghouse.registry.schemas import IdentifierOut
from clearinghouse.search.query import TOTAL_CAP


class AltTitleOut(BaseModel):
    title: str
    language: str | None = None


class HolderOut(BaseModel):
    party_id: str
    name: str


class LinkedWorkOut(BaseModel):
    """A work linked to a hit by `embodies`: enough to tell recordings apart and to quote one."""

    id: str
    type: str
    title: str
    identifiers: list[IdentifierOut] = Field(description="ISRC of a recording, ISWC of a song")
    creators: list[str] = Field(description="Creator names, in credit order")
    holders: list[HolderOut] = Field(description="Parties with an active holding, each once")


class FromPrice(BaseModel):
    """The lowest total a quote for the searched use of this work comes to, fees included."""

    currency: str = Field(description="ISO 4217, the search's `currency` (CNY by default)")
    amount: str = Field(description="Decimal string in major units, e.g. \"10478.93\"; never a float")
    minor: int = Field(description="The same amount in whole minor units")


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
    recordings: list[LinkedWorkOut] = Field(
        default_factory=list,
        description="For a composition: recordings that embody it, oldest first, at most 10 "
        "(`recordings_total` counts them all). Using a recording needs its master right as well "
        "as the song's: quote the recording, which clears both on one quote",
    )
    recordings_total: int = Field(0, description="How many recordings embody this work")
    compositions: list[LinkedWorkOut] = Field(
        default_factory=list,
        description="For a recording: the composition(s) it embodies; a quote for the recording "
        "includes them",
    )
    from_price: FromPrice | None = Field(
        default=None,
        description="Only when the search states a use: what a quote for that use of this work "
        "costs now (every right and co-holder, priced by routine offers, fees included)",
    )


class SearchPage(Page[WorkHit]):
    total_capped: bool = Field(
        default=False,
        description="True when more works match than are counted: `total` is then the cap "
        f"({TOTAL_CAP:,}) and the real number is larger; every page can still be fetched",
    )
