"""Pydantic models of license templates: the terms of a routine use, in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.bounds import Version
from clearinghouse.core.schemas import Strict
from clearinghouse.licensing.schema_types import Code, Count, Days, Name, Text
from clearinghouse.licensing.terms import Modification, PortionUnit, Purpose
from clearinghouse.platforms.schemas import ChannelName


class TemplateTerms(Strict):
    purpose: Purpose
    channels: list[ChannelName] = Field(min_length=1, max_length=20)
    max_uses: Count = Field(description="Placements in one production")
    portion_unit: PortionUnit
    portion_value: Count | None = Field(None, description="Seconds, percent or words; null: whole")
    modification: Modification
    territories: list[Code] = Field(min_length=1, max_length=300)
    territories_excluded: list[Code] = Field(default_factory=list, max_length=300)
    term_days: Days | None = Field(description="Days from the start; null for perpetual")
    exclusive: bool = False


class TemplateCreate(TemplateTerms):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
    name_en: Name
    name_zh: Name
    description_en: Text | None = None
    description_zh: Text | None = None
    active: bool = True


class TemplateUpdate(Strict):
    """Names, descriptions and `active` change any time; terms only while no offer prices it."""

    name_en: Name | None = None
    name_zh: Name | None = None
    description_en: Text | None = None
    description_zh: Text | None = None
    active: bool | None = None
    purpose: Purpose | None = None
    channels: list[ChannelName] | None = Field(None, min_length=1, max_length=20)
    max_uses: Count | None = None
    portion_unit: PortionUnit | None = None
    portion_value: Count | None = None
    modification: Modification | None = None
    territories: list[Code] | None = Field(None, min_length=1, max_length=300)
    territories_excluded: list[Code] | None = Field(None, max_length=300)
    term_days: Days | None = None
    exclusive: bool | None = None
    version: Version | None = Field(None, description="Or send If-Match with the ETag")


class TemplateOut(BaseModel):
    id: str
    code: str
    name_en: str
    name_zh: str
    description_en: str | None
    description_zh: str | None
    purpose: str
    channels: list[str]
    max_uses: int
    portion_unit: str
    portion_value: int | None
    modification: str
    territories: list[str]
    territories_excluded: list[str]
    term_days: int | None
    exclusive: bool
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


def template_out(t: Any) -> TemplateOut:
    return TemplateOut.model_validate(t, from_attributes=True)
