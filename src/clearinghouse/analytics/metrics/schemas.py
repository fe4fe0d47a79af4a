"""Usage metrics as the API shows them. A suppressed figure is null, and `k` says why."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel


class PlatformMonthOut(BaseModel):
    platform: str
    platform_type: str | None
    month: str
    mau: int | None
    dau: Decimal | None
    dau_mau: Decimal | None
    launches_per_user_day: Decimal | None
    minutes_per_user_day: Decimal | None
    plays: int | None
    penetration: Decimal | None
    mau_growth: Decimal | None


class OverlapOut(BaseModel):
    month: str
    a: str
    b: str
    both: int | None
    share_of_union: Decimal | None
    share_of_a: Decimal | None
    share_of_b: Decimal | None


class CellOut(BaseModel):
    platform: str
    month: str
    value: str
    users: int | None
    share: Decimal | None


class MetricsOut(BaseModel):
    scope: str  # market, platform or owner
    k: int  # figures about fewer people than this are null
    months: list[str]
    counts: str = "exact"
    platforms: list[PlatformMonthOut]


class OverlapListOut(BaseModel):
    scope: str
    k: int
    months: list[str]
    pairs: list[OverlapOut]


class DemographicsOut(BaseModel):
    scope: str
    k: int
    months: list[str]
    attribute: str
    cells: list[CellOut]
