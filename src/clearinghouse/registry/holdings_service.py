"""Use cases for holdings (who holds which right, where, when) and ownership conflicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import UnknownTerritory, expand, normalize_codes
from clearinghouse.registry import repository
from clearinghouse.registry.audit import record, snapshot
from clearinghouse.registry.domain import (
    HoldingSlice,
    Role,
    ShareError,
    find_conflicts,
    parse_share,
)
from clearinghouse.registry.parties_service import get_party, require_operator
from clearinghouse.registry.schemas import HoldingCreate, HoldingUpdate
from clearinghouse.registry.tables import Holding, OwnershipConflict
from clearinghouse.registry.versioning import check_version
from clearinghouse.registry.works_service import get_work
from clearinghouse.search import indexer

DEFAULT_WARRANTY = (
    "The holder warrants that it owns or controls the rights and share stated in this holding, "
    "for the territory and period stated, and may grant licenses for them. "
    "权利人保证其拥有或控制本登记所列权利及份额，并有权就此授予许可。"
)


def _territories(codes: list[str], excluded: list[str]) -> tuple[list[str], list[str]]:
    try:
        inc, exc = normalize_codes(codes), normalize_codes(excluded)
        if not expand(inc, exc):
            raise ValidationFailed("the territories exclude every country", field="territories_excluded")
    except UnknownTerritory as err:
        field = "territories" if err.code.upper() in {c.upper() for c in codes} else "territories_excluded"
        raise ValidationFailed(str(err), field=field) from err
    return inc, exc


def _share(value: str | int) -> int:
    try:
        return parse_share(value)
    except ShareError as exc:
        raise ValidationFailed(str(exc), field="share") from exc


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end <= start:
        raise ValidationFailed("valid_to must be after valid_from", field="valid_to")


def _check_administrator(session: Session, administrator_id: str | None) -> None:
    if administrator_id is None:
        return
    admin = repository.get_party(session, administrator_id)
    if admin is None or Role.AGENT.value not in admin.roles:
        raise ValidationFailed("the administrator must be an agent party", field="administrator_id")


def may_manage_holding(principal: Principal, holder_id: str, rights: list[str]) -> bool:
    return principal.has(Role.OWNER, Role.AGENT, Role.OPERATOR) and principal.acts_for(holder_id, rights)


def create_holding(session: Session, principal: Principal, work_id: str, data: HoldingCreate) -> Holding:
    # Holding changes on one work are serialised, so conflict detection sees every claim.
    work = get_work(session, work_id, for_update=True)
    holder_id = data.holder_id or principal.party_id
    holder = get_party(session, holder_id)
    rights = sorted({r.value for r in data.rights})
    if not may_manage_holding(principal, holder_id, rights):
        raise Forbidden("you may register holdings only for yourself or owners whose mandate you hold",
                        field="holder_id")
    if Role.OWNER.value not in holder.roles:
        raise ValidationFailed("the holder must be a party with the owner role", field="holder_id")
    if not data.warranty.accepted:
        raise ValidationFailed("the holder must warrant that it may grant licenses for this holding",
                               field="warranty.accepted")
    territories, excluded = _territories(data.territories, data.territories_excluded)
    start = data.valid_from or date.today()
    _check_period(start, data.valid_to)
    _check_administrator(session, data.administrator_id)
    holding = Holding(
        id=new_id("hld"),
        work_id=work.id,
        holder_id=holder_id,
        rights=rights,
        share_ppm=_share(data.share),
        territories=territories,
        territories_excluded=excluded,
        valid_from=start,
        valid_to=data.valid_to,
        administrator_id=data.administrator_id,
        collective=data.collective,
        warranty_text=data.warranty.text or DEFAULT_WARRANTY,
        warranted_by=principal.party_id,
        warranted_at=utcnow(),
    )
    session.add(holding)
    session.flush()
    record(session, principal, "holding.create", "holding", holding.id, None, snapshot(holding))
    refresh_conflicts(session, work.id, principal)
    return holding


def get_holding(session: Session, holding_id: str, *, for_update: bool = False) -> Holding:
    holding = repository.get_holding(session, holding_id, for_update=for_update)
    if holding is None:
        raise NotFound(f"holding {holding_id} not found", field="holding_id")
    return holding


def update_holding(
    session: Session, principal: Principal, holding_id: str, data: HoldingUpdate, version: int | None
) -> Holding:
    holding = get_holding(session, holding_id, for_update=True)
    if not may_manage_holding(principal, holding.holder_id, holding.rights):
        raise Forbidden("you may not change this holding")
    if holding.status != "active":
        raise ValidationFailed("a withdrawn holding cannot be changed", field="status")
    check_version(holding.version, version if version is not None else data.version)
    before = snapshot(holding)
    if data.rights is not None:
        rights = sorted({r.value for r in data.rights})
        if not may_manage_holding(principal, holding.holder_id, rights):
            raise Forbidden("your mandate does not cover those rights", field="rights")
        holding.rights = rights
    if data.share is not None:
        holding.share_ppm = _share(data.share)
    if data.territories is not None or data.territories_excluded is not None:
        holding.territories, holding.territories_excluded = _territories(
            data.territories if data.territories is not None else holding.territories,
            data.territories_excluded if data.territories_excluded is not None else holding.territories_excluded,
        )
    if "valid_from" in data.model_fields_set and data.valid_from is not None:
        holding.valid_from = data.valid_from
    if "valid_to" in data.model_fields_set:
        holding.valid_to = data.valid_to
    _check_period(holding.valid_from, holding.valid_to)
    if "administrator_id" in data.model_fields_set:
        _check_administrator(session, data.administrator_id)
        holding.administrator_id = data.administrator_id
    if data.collective is not None:
        holding.collective = data.collective
    holding.touch()
    session.flush()
    record(session, principal, "holding.update", "holding", holding.id, before, snapshot(holding))
    refresh_conflicts(session, holding.work_id, principal)
    return holding


def withdraw_holding(session: Session, principal: Principal, holding_id: str, version: int | None) -> Holding:
    holding = get_holding(session, holding_id, for_update=True)
    if not may_manage_holding(principal, holding.holder_id, holding.rights):
        raise Forbidden("you may not withdraw this holding")
    check_version(holding.version, version)
    before = snapshot(holding)
    holding.status = "withdrawn"
    holding.touch()
    session.flush()
    record(session, principal, "holding.withdraw", "holding", holding.id, before, snapshot(holding))
    refresh_conflicts(session, holding.work_id, principal)
    return holding


def slices_for(holdings: list[Holding]) -> list[HoldingSlice]:
    return [
        HoldingSlice(
            h.id, h.holder_id, frozenset(h.rights), h.share_ppm,
            expand(h.territories, h.territories_excluded), h.valid_from, h.valid_to,
        )
        for h in holdings
    ]


def refresh_conflicts(session: Session, work_id: str, principal: Principal | None) -> None:
    """After any holding change: open a conflict for each new over-claim, close those the
    change cleared, and re-index the work (its owners are searchable)."""
    indexer.index_work(session, get_work(session, work_id))
    found = {c.fingerprint: c for c in find_conflicts(slices_for(list(repository.holdings_of_work(session, work_id))))}
    existing = {c.fingerprint: c for c in repository.conflicts_of_work(session, work_id)}
    now = utcnow()
    for fingerprint, c in found.items():
        if fingerprint in existing:
            continue
        row = OwnershipConflict(
            id=new_id("cfl"), work_id=work_id, right=c.right, fingerprint=fingerprint,
            holding_ids=list(c.holding_ids), party_ids=list(c.party_ids),
            territories=list(c.countries), period_start=c.period_start, period_end=c.period_end,
            total_share_ppm=c.total_share_ppm, status="open", detected_at=now,
        )
        session.add(row)
        session.flush()
        record(session, principal, "conflict.open", "conflict", row.id, None, snapshot(row))
    for fingerprint, row in existing.items():
        if row.status == "open" and fingerprint not in found:
            before = snapshot(row)
            row.status, row.resolved_at = "resolved", now
            row.resolution = "cleared: the shares no longer add up to more than 100%"
            session.flush()
            record(session, principal, "conflict.clear", "conflict", row.id, before, snapshot(row))


def open_conflict_holding_ids(session: Session, work_id: str) -> set[str]:
    return {
        hid for c in repository.conflicts_of_work(session, work_id) if c.status == "open" for hid in c.holding_ids
    }


def list_conflicts(
    session: Session, principal: Principal, status: str | None, offset: int, limit: int
) -> tuple[list[OwnershipConflict], int]:
    party = None if principal.is_operator else principal.party_id
    return repository.list_conflicts(session, party_id=party, status=status, offset=offset, limit=limit)


def resolve_conflict(session: Session, principal: Principal, conflict_id: str, resolution: str) -> OwnershipConflict:
    require_operator(principal)
    row = repository.get_conflict(session, conflict_id)
    if row is None:
        raise NotFound(f"conflict {conflict_id} not found")
    if row.status != "open":
        raise ValidationFailed("this conflict is already resolved", field="status")
    before = snapshot(row)
    row.status, row.resolved_at, row.resolution = "resolved", utcnow(), resolution
    session.flush()
    record(session, principal, "conflict.resolve", "conflict", row.id, before, snapshot(row))
    return row
