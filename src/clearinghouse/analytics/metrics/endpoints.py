"""Usage metrics over HTTP: `GET /api/v1/analytics/metrics|overlap|demographics` for a month
or a quarter, within the caller's scope (service.scope_of), small cells suppressed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from clearinghouse.analytics.metrics import service
from clearinghouse.analytics.metrics.schemas import (
    CellOut,
    DemographicsOut,
    MetricsOut,
    OverlapListOut,
    OverlapOut,
    PlatformMonthOut,
)
from clearinghouse.api.deps import DB, Caller
from clearinghouse.api.responses import AUTHED
from clearinghouse.royalties.pipeline.engine import Engine, connect
from clearinghouse.usage.lake import Lake

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
Period = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$|^\d{4}Q[1-4]$", max_length=7,
                              description="A month (2026-06) or a quarter (2026Q2)")]
K = Annotated[int | None, Query(ge=2, le=1_000_000, description="Suppress figures about fewer "
                                "people than this; never below the configured minimum")]


def effective_k(request: Request, k: int | None) -> int:
    floor = request.app.state.settings.analytics_min_users
    return max(k or floor, floor)


@contextmanager
def duckdb_engine(request: Request) -> Iterator[Engine]:
    settings = request.app.state.settings
    spill = Path(tempfile.mkdtemp(prefix="analytics-"))
    try:
        yield connect("duckdb", memory_limit=settings.duckdb_memory_limit,
                      temp_directory=settings.duckdb_temp_dir or spill)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


@router.get("/metrics", response_model=MetricsOut, responses=AUTHED)
def metrics(request: Request, db: DB, caller: Caller, period: Period, k: K = None
            ) -> MetricsOut:
    """Per platform and month: MAU, average DAU, DAU/MAU, launches and minutes per user per
    day, plays, penetration (MAU over every short-video user seen that month) and MAU growth
    month on month. The operator sees the market, a platform its own logs, an owner its works'
    audience; a figure about fewer than `k` people is null."""
    scope, months = service.scope_of(db, caller), service.months_of(period)
    k = effective_k(request, k)
    rows: list[service.PlatformMonth] = []
    with duckdb_engine(request) as engine:
        events = service.events_of(engine, db, Lake(request.app.state.settings.lake_dir), months, scope)
        if events is not None:
            rows = service.monthly(engine, events, k)
    return MetricsOut(scope=scope.kind, k=k, months=months,
                      platforms=[PlatformMonthOut(**asdict(r)) for r in rows])


@router.get("/overlap", response_model=OverlapListOut, responses=AUTHED)
def audience_overlap(request: Request, db: DB, caller: Caller, period: Period,
                     k: K = None) -> OverlapListOut:
    """Users on both of two platforms in a month (device ids as the platforms report them). A
    platform sees only pairs with itself, as a share of its own users."""
    scope, months = service.scope_of(db, caller), service.months_of(period)
    k = effective_k(request, k)
    pairs: list[service.Overlap] = []
    with duckdb_engine(request) as engine:
        lake = Lake(request.app.state.settings.lake_dir)
        everyone = service.Scope("market") if scope.kind == "platform" else scope
        events = service.events_of(engine, db, lake, months, everyone)
        if events is not None:
            own = service.own_platforms(db, caller) if scope.kind == "platform" else None
            pairs = service.overlap(engine, events, k, own_platforms=own)
    return OverlapListOut(scope=scope.kind, k=k, months=months,
                          pairs=[OverlapOut(**asdict(p)) for p in pairs])


@router.get("/demographics", response_model=DemographicsOut, responses=AUTHED)
def audience_demographics(
        request: Request, db: DB, caller: Caller, period: Period,
        attribute: Annotated[Literal["gender", "age_band", "province", "territory"], Query()],
        k: K = None) -> DemographicsOut:
    """Users per value of an audience attribute, per platform and month; a cell under `k`, and
    the next smallest when it alone would be recoverable from the total, is null."""
    scope, months = service.scope_of(db, caller), service.months_of(period)
    k = effective_k(request, k)
    cells: list[service.Cell] = []
    with duckdb_engine(request) as engine:
        events = service.events_of(engine, db, Lake(request.app.state.settings.lake_dir), months, scope)
        if events is not None:
            cells = service.demographics(engine, events, attribute, k)
    return DemographicsOut(scope=scope.kind, k=k, months=months, attribute=attribute,
                           cells=[CellOut(**asdict(c)) for c in cells])
