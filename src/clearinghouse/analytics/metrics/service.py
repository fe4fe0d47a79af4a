"""Usage metrics for whoever asks, within what it may see: the operator the whole market, a
platform its own event logs, an owner the audience of its own works (on every platform).
Counts are exact (the engine counts distinct devices); every figure about fewer than k people
is suppressed (privacy.py), and the answer says which k."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pyarrow as pa
from ibis.expr.types import Table
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.analytics.deals.domain import months_of_quarter
from clearinghouse.analytics.metrics import queries
from clearinghouse.analytics.metrics.privacy import shown, suppressed_keys
from clearinghouse.analytics.metrics.repository import landed_event_reports
from clearinghouse.core.errors import Forbidden, ValidationFailed
from clearinghouse.core.platforms import current as platform_directory
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry.owner_service import work_ids_of_owner
from clearinghouse.royalties.pipeline.engine import Engine
from clearinghouse.usage.cleaning.events import EVENT_SCHEMA
from clearinghouse.usage.lake import Area, Lake

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Scope:
    kind: str  # market, platform or owner
    reporter_id: str | None = None  # a platform: its own event logs only
    work_ids: frozenset[str] | None = None  # an owner: its works' events only


def months_of(period: str) -> list[str]:
    """`2026-06` → [2026-06]; `2026Q2` → its three months."""
    try:
        return list(months_of_quarter(period)) if "Q" in period else [period]
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="period") from exc


def scope_of(session: Session, caller: Principal) -> Scope:
    if caller.is_operator:
        return Scope("market")
    if caller.has(Role.PLATFORM):
        return Scope("platform", reporter_id=caller.party_id)
    if caller.has(Role.OWNER):
        return Scope("owner", work_ids=frozenset(work_ids_of_owner(session, caller)))
    raise Forbidden("usage metrics are for the operator, platforms and owners")


def own_platforms(session: Session, caller: Principal) -> set[str]:
    """The platform codes whose party is the caller."""
    return set(platforms_service.codes_run_by(session, caller.party_id))


def events_of(engine: Engine, session: Session, lake: Lake, months: Sequence[str],
              scope: Scope) -> Table | None:
    """The clean events the scope may see in `months`; None when there are none."""
    reports = landed_event_reports(session, months, scope.reporter_id)
    paths = [lake.file(Area.EVENTS, p, r, i) for p, r, i in reports]
    paths = [p for p in paths if p.exists()]
    if not paths or (scope.work_ids is not None and not scope.work_ids):
        return None
    table = engine.read_parquet(paths, EVENT_SCHEMA)
    if scope.work_ids is not None:
        table = table.filter(table.work_id.isin(sorted(scope.work_ids)))
    return table


def _rows(engine: Engine, expr: Table) -> list[dict[str, Any]]:
    if engine.spark is None:
        return list(engine.backend.to_pyarrow(expr).to_pylist())
    return list(pa.Table.from_batches(list(engine.arrow_batches(expr, expr.schema().to_pyarrow())),
                                      schema=expr.schema().to_pyarrow()).to_pylist())


def _ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class PlatformMonth:
    platform: str
    platform_type: str | None
    month: str
    mau: int | None
    dau: Decimal | None  # average over the days with activity
    dau_mau: Decimal | None
    launches_per_user_day: Decimal | None
    minutes_per_user_day: Decimal | None
    plays: int | None
    penetration: Decimal | None  # MAU over every short-video user seen that month
    mau_growth: Decimal | None  # month on month, when the month before is shown too


def monthly(engine: Engine, events: Table, k: int) -> list[PlatformMonth]:
    market = {r["month"]: r["users"] for r in _rows(engine, queries.market(events))}
    rows = sorted(_rows(engine, queries.monthly(events)), key=lambda r: (r["platform"], r["month"]))
    out: list[PlatformMonth] = []
    previous: dict[str, tuple[str, int]] = {}
    for r in rows:
        platform = platform_directory().find(r["platform"])
        ptype = platform.platform_type if platform else None
        if shown(r["mau"], k) is None:
            out.append(PlatformMonth(r["platform"], ptype, r["month"], *([None] * 8)))
            previous.pop(r["platform"], None)
            continue
        user_days = r["user_days"]
        dau = _ratio(user_days, r["active_days"])
        before = previous.get(r["platform"])
        growth = (_ratio(r["mau"] - before[1], before[1])
                  if before and _next_month(before[0]) == r["month"] else None)
        market_users = shown(market.get(r["month"], 0), k)
        out.append(PlatformMonth(
            r["platform"], ptype, r["month"], r["mau"], dau, _ratio(dau or 0, r["mau"]),
            _ratio(r["launches"], user_days), _ratio(Decimal(r["watch_seconds"]) / 60, user_days),
            r["plays"], _ratio(r["mau"], market_users) if market_users else None, growth))
        previous[r["platform"]] = (r["month"], r["mau"])
    return out


def _next_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year + m // 12}-{m % 12 + 1:02d}"


@dataclass(frozen=True)
class Overlap:
    month: str
    a: str
    b: str
    both: int | None
    share_of_union: Decimal | None  # on both / on either
    share_of_a: Decimal | None
    share_of_b: Decimal | None


def overlap(engine: Engine, events: Table, k: int, *, own_platforms: set[str] | None = None
            ) -> list[Overlap]:
    """Pairs of platforms' shared users; for a platform only pairs with itself, and only the
    share of its own users (not the other's audience)."""
    mau = {(r["platform"], r["month"]): r["mau"] for r in _rows(engine, queries.monthly(events))}
    out = []
    for r in sorted(_rows(engine, queries.overlap(events)), key=lambda r: (r["month"], r["a"], r["b"])):
        a, b, month, both = r["a"], r["b"], r["month"], r["both"]
        mau_a, mau_b = mau.get((a, month), 0), mau.get((b, month), 0)
        if own_platforms is not None:
            if a not in own_platforms and b not in own_platforms:
                continue
            if a not in own_platforms:
                a, b, mau_a, mau_b = b, a, mau_b, mau_a
            visible = shown(both, k) is not None and mau_a >= k
            out.append(Overlap(month, a, b, both if visible else None, None,
                               _ratio(both, mau_a) if visible else None, None))
            continue
        visible = shown(both, k) is not None and mau_a >= k and mau_b >= k
        out.append(Overlap(month, a, b, both if visible else None,
                           _ratio(both, mau_a + mau_b - both) if visible else None,
                           _ratio(both, mau_a) if visible else None,
                           _ratio(both, mau_b) if visible else None))
    return out


@dataclass(frozen=True)
class Cell:
    platform: str
    month: str
    value: str
    users: int | None  # None: suppressed
    share: Decimal | None


def demographics(engine: Engine, events: Table, attribute: str, k: int) -> list[Cell]:
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for r in _rows(engine, queries.demographics(events, attribute)):
        groups.setdefault((r["platform"], r["month"]), {})[r["value"]] = r["users"]
    out = []
    for (platform, month), cells in sorted(groups.items()):
        total = sum(cells.values())
        hidden = set(cells) if total < k else suppressed_keys(cells, k)
        for value, users in sorted(cells.items(), key=lambda kv: (-kv[1], kv[0])):
            visible = value not in hidden
            out.append(Cell(platform, month, value, users if visible else None,
                            _ratio(users, total) if visible else None))
    return out
