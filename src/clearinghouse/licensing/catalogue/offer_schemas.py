"""Pydantic models of rate cards (offers), exchange rates and service fees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from clearinghouse.core.bounds import BoundedDate, Version
from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import SingleLine
from clearinghouse.licensing.schema_types import Currency, Id, Minor, MoneyOut, Pct
from clearinghouse.registry.domain import Right

# -- offers (rate cards) --------------------------------------------------------------------------


class PriceIn(Strict):
    currency: Currency
    fixed_fee_minor: Minor | None = None
    per_1000_plays_minor: Minor | None = None
    per_copy_minor: Minor | None = None
    revenue_share_pct: Pct | None = None
    advance_minor: Minor | None = None
    minimum_guarantee_minor: Minor | None = None


class OfferCreate(PriceIn):
    template_id: Id = Field(description="The template's id or code")
    holder_id: Id | None = Field(None, description="The owner priced; defaults to the caller")
    rights: list[Right] = Field(min_length=1, max_length=9)
    scope: Literal["works", "catalogue"] = "works"
    work_ids: list[Id] = Field(default_factory=list, max_length=500,
                               description="The works priced (scope `works`)")
    declined: bool = Field(False, description="The holder will not license this template")

    @model_validator(mode="after")
    def _scope_needs_works(self) -> OfferCreate:
        if self.scope == "works" and not self.work_ids:
            raise ValueError("work_ids: name at least one work, or use scope 'catalogue'")
        if self.scope == "catalogue" and self.work_ids:
            raise ValueError("work_ids: a catalogue offer covers every work the holder holds; "
                             "leave work_ids empty")
        return self


class OfferUpdate(Strict):
    currency: Currency | None = None
    fixed_fee_minor: Minor | None = None
    per_1000_plays_minor: Minor | None = None
    per_copy_minor: Minor | None = None
    revenue_share_pct: Pct | None = None
    advance_minor: Minor | None = None
    minimum_guarantee_minor: Minor | None = None
    rights: list[Right] | None = Field(None, min_length=1, max_length=9)
    work_ids: list[Id] | None = Field(None, min_length=1, max_length=500)
    declined: bool | None = None
    version: Version | None = Field(None, description="Or send If-Match with the ETag")


class OfferOut(BaseModel):
    id: str
    holder_id: str
    template_id: str
    template_code: str
    scope: str
    work_ids: list[str]
    rights: list[str]
    currency: str
    fixed_fee_minor: int | None
    per_1000_plays_minor: int | None
    per_copy_minor: int | None
    revenue_share_pct: str | None
    advance_minor: int | None
    minimum_guarantee_minor: int | None
    fixed_fee: MoneyOut | None
    declined: bool
    status: str
    created_by: str
    version: int
    created_at: datetime
    updated_at: datetime


class VersionBody(Strict):
    version: Version | None = Field(None, description="Or send If-Match with the ETag")


# -- exchange rates and fees ----------------------------------------------------------------------


class RateCreate(Strict):
    base: Currency
    quote: Currency
    rate: Annotated[str, StringConstraints(pattern=r"^\d{1,12}(\.\d{1,12})?$")] = Field(
        description="Units of `quote` per one `base`, as a decimal string (e.g. \"6.6\")")
    effective: BoundedDate
    source: Annotated[str, StringConstraints(max_length=200), SingleLine] | None = None


class RateOut(BaseModel):
    id: int
    base: str
    quote: str
    rate: str
    effective: date
    source: str | None


class FeeCreate(Strict):
    licensee_pct: Pct = Field(description="Added on top of the licensee's price")
    owner_pct: Pct = Field(description="Deducted from each holder's proceeds")
    effective: BoundedDate


class FeeOut(BaseModel):
    id: int
    licensee_pct: str
    owner_pct: str
    effective: date


# -- views: table rows to the models above --------------------------------------------------------


def offer_out(o: Any, template_code: str) -> OfferOut:
    fixed = None if o.fixed_fee_minor is None else MoneyOut.of(o.currency, o.fixed_fee_minor)
    return OfferOut(
        id=o.id, holder_id=o.holder_id, template_id=o.template_id, template_code=template_code,
        scope=o.scope, work_ids=list(o.work_ids), rights=list(o.rights), currency=o.currency,
        fixed_fee_minor=o.fixed_fee_minor, per_1000_plays_minor=o.per_1000_plays_minor,
        per_copy_minor=o.per_copy_minor, revenue_share_pct=o.revenue_share_pct,
        advance_minor=o.advance_minor, minimum_guarantee_minor=o.minimum_guarantee_minor,
        fixed_fee=fixed, declined=o.declined, status=o.status, created_by=o.created_by,
        version=o.version, created_at=o.created_at, updated_at=o.updated_at)


def rate_out(r: Any) -> RateOut:
    return RateOut(id=r.id, base=r.base, quote=r.quote, rate=r.rate, effective=r.effective,
                   source=r.source)


def fee_out(f: Any) -> FeeOut:
    return FeeOut(id=f.id, licensee_pct=f.licensee_pct, owner_pct=f.owner_pct,
                  effective=f.effective)
