"""Pydantic models of offers and claims on unlicensed use."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.schemas import Strict
from clearinghouse.licensing.schema_types import Currency, Id, Text
from clearinghouse.licensing.terms import Purpose
from clearinghouse.royalties.unlicensed.tables import UnlicensedAction

PeriodText = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
                       Field(description="The month, YYYY-MM")]
Amount = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,13}(\.\d{1,4})?$"),
                   Field(description="Major units as a decimal string, e.g. \"1200.00\"; never a float")]
Territory = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{2}$")]
Channel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Seconds = Annotated[int, Field(strict=True, ge=1, le=86_400)]


class UseIn(Strict):
    """One unlicensed use, as listed by `GET /api/v1/unlicensed/uses`."""

    period: PeriodText
    work_id: Id
    user_id: Id = Field(description="The party that reported (and made) the use")
    channel: Channel | None
    territory: Territory
    currency: Currency = "CNY"
    purpose: Purpose = Purpose.COMMERCIAL
    seconds: Seconds | None = Field(None, description="The part of the work used; null: whole")


class OfferCreate(UseIn):
    price: Amount | None = Field(
        None, description="Your price for your share, only where no routine offer covers the use")


class ClaimCreate(UseIn):
    amount: Amount | None = Field(
        None, description="What you claim, only where no routine offer prices the use")


class DisputeIn(Strict):
    note: Text


class UseOut(BaseModel):
    period: str
    work_id: str
    user_id: str
    channel: str | None
    territory: str
    plays: int
    copies: int
    lines: int


class ActionOut(BaseModel):
    id: str
    kind: str = Field(description="offer | claim")
    status: str = Field(description="open | accepted | settled | withdrawn | disputed")
    holder_id: str
    user_id: str
    work_id: str
    period: str
    channel: str | None
    territory: str
    evidence: dict[str, Any]
    quote_id: str | None
    license_id: str | None
    currency: str
    amount_minor: int
    amount_basis: str = Field(description="routine (priced from routine offers) | stated")
    note: str | None
    created_at: datetime
    updated_at: datetime


def action_out(action: UnlicensedAction) -> ActionOut:
    return ActionOut.model_validate(action, from_attributes=True)
