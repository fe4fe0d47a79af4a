"""Use cases for holdings (who holds which right, where, when) and ownership conflicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core import changes
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.shares import ShareError, parse_share
from clearinghouse.core.territories import UnknownTerritory, expand, normalize_codes
from clearinghouse.core.versioning import check_version
from clearinghouse.registry import repository
from clearinghouse.registry.domain import (
    ConflictKind,
    HoldingSlice,
    HoldingStatus,
    claim_conflicts,
    find_conflicts,
    widens,
)
from clearinghouse.registry.management import Managers, managers_of
from clearinghouse.registry.parties_service import get_party, require_operator
from clearinghouse.registry.schemas import HoldingCreate, HoldingUpdate
from clearinghouse.registry.tables import Holding, OwnershipConflict
from clearinghouse.registry.works_service import get_work

LIVE = (HoldingStatus.ACTIVE.value, HoldingStatus.PENDING.value)  # may still change
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
    # A holding on a work the caller does not manage (for these rights) is only a claim: it
    # grants nothing until the work's managers or the operator accept it.
    managers = managers_of(session, work)
    accepted = managers.within(principal, rights)
    holding = Holding(
        id=new_id("hld"),
        status=HoldingStatus.ACTIVE.value if accepted else HoldingStatus.PENDING.value,
        manages_work=accepted and managers.manages(principal),
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
    action = "holding.create" if accepted else "holding.claim"
    record(session, principal, action, "holding", holding.id, None, snapshot(holding))
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
    if holding.status not in LIVE:
        raise ValidationFailed(f"a {holding.status} holding cannot be changed", field="status")
    check_version(holding.version, version if version is not None else data.version)
    before, scope_before = snapshot(holding), slice_of(holding)
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
    _check_widening(session, principal, holding, scope_before)
    holding.touch()
    session.flush()
    record(session, principal, "holding.update", "holding", holding.id, before, snapshot(holding))
    refresh_conflicts(session, holding.work_id, principal)
    return holding


def withdraw_holding(session: Session, principal: Principal, holding_id: str, version: int | None) -> Holding:
    holding = get_holding(session, holding_id, for_update=True)
    if not may_manage_holding(principal, holding.holder_id, holding.rights):
        raise Forbidden("you may not withdraw this holding")
    if holding.status not in LIVE:
        raise ValidationFailed(f"a {holding.status} holding cannot be withdrawn", field="status")
    check_version(holding.version, version)
    before = snapshot(holding)
    holding.status = HoldingStatus.WITHDRAWN.value
    holding.touch()
    session.flush()
    record(session, principal, "holding.withdraw", "holding", holding.id, before, snapshot(holding))
    refresh_conflicts(session, holding.work_id, principal)
    return holding


def _check_widening(session: Session, principal: Principal, holding: Holding, before: HoldingSlice) -> None:
    """An accepted holding grows (a right, share, country or day) only by the work's managers:
    otherwise any holder of a sliver could grow it into the whole work unseen."""
    if holding.status != HoldingStatus.ACTIVE or not widens(before, slice_of(holding)):
        return
    work = get_work(session, holding.work_id)
    if not managers_of(session, work).within(principal, holding.rights):
        raise Forbidden("only the work's managers may widen an accepted holding; narrow it, or "
                        "register a claim for the rest", field="holding_id")


def slice_of(h: Holding) -> HoldingSlice:
    return HoldingSlice(h.id, h.holder_id, frozenset(h.rights), h.share_ppm,
                        expand(h.territories, h.territories_excluded), h.valid_from, h.valid_to)


def slices_for(holdings: list[Holding]) -> list[HoldingSlice]:
    return [slice_of(h) for h in holdings]


CLAIM_CLOSED = {
    HoldingStatus.ACTIVE: "claim accepted", HoldingStatus.REJECTED: "claim rejected",
    HoldingStatus.WITHDRAWN: "claim withdrawn by the claimant",
    HoldingStatus.PENDING: "superseded: the claimant changed the claim",
}


def refresh_conflicts(session: Session, work_id: str, principal: Principal | None, note: str | None = None) -> None:
    """After any holding change: open a conflict for each new over-claim and pending claim, close
    those the change cleared (`note` explains a decision on a claim), and tell listeners (search
    re-indexes the work's owners)."""
    changes.works_changed(session, [work_id])
    holdings = list(repository.holdings_of_work(session, work_id, statuses=LIVE))
    accepted = [h for h in holdings if h.status == HoldingStatus.ACTIVE]
    found = {c.fingerprint: c for c in find_conflicts(slices_for(accepted))}
    for h in holdings:
        if h.status == HoldingStatus.PENDING:
            found |= {c.fingerprint: c for c in claim_conflicts(slice_of(h), h.version)}
    existing = {c.fingerprint: c for c in repository.conflicts_of_work(session, work_id)}
    now = utcnow()
    for fingerprint, c in found.items():
        if fingerprint in existing:
            continue
        row = OwnershipConflict(
            id=new_id("cfl"), work_id=work_id, kind=c.kind.value, right=c.right, fingerprint=fingerprint,
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
            row.resolution = _why_closed(session, row, note)
            session.flush()
            record(session, principal, "conflict.clear", "conflict", row.id, before, snapshot(row))


def _why_closed(session: Session, row: OwnershipConflict, note: str | None) -> str:
    if row.kind != ConflictKind.CLAIM:
        return "cleared: the shares no longer add up to more than 100%"
    claim = repository.get_holding(session, row.holding_ids[0])
    why = CLAIM_CLOSED.get(HoldingStatus(claim.status), "closed") if claim else "closed"
    return f"{why}: {note}" if note else why


def open_conflict_holding_ids(session: Session, work_id: str) -> set[str]:
    return {
        hid for c in repository.conflicts_of_work(session, work_id) if c.status == "open" for hid in c.holding_ids
    }


def may_see_conflict(session: Session, principal: Principal, row: OwnershipConflict,
                     managers: dict[str, Managers]) -> bool:
    """The parties to it and their agents (within the right), the operator, and, for a claim,
    the managers of the work it claims."""
    if principal.is_operator or any(principal.acts_for(p, [row.right]) for p in row.party_ids):
        return True
    if row.kind != ConflictKind.CLAIM:
        return False
    if row.work_id not in managers:
        managers[row.work_id] = managers_of(session, get_work(session, row.work_id))
    return managers[row.work_id].within(principal, [row.right])


def list_conflicts(
    session: Session, principal: Principal, status: str | None, offset: int, limit: int
) -> tuple[list[OwnershipConflict], int]:
    cache: dict[str, Managers] = {}
    rows = [c for c in repository.list_conflicts(session, status=status)
            if may_see_conflict(session, principal, c, cache)]
    return rows[offset : offset + limit], len(rows)


def resolve_conflict(session: Session, principal: Principal, conflict_id: str, resolution: str) -> OwnershipConflict:
    require_operator(principal)
    row = repository.get_conflict(session, conflict_id)
    if row is None:
        raise NotFound(f"conflict {conflict_id} not found")
    if row.status != "open":
        raise ValidationFailed("this conflict is already resolved", field="status")
    if row.kind == ConflictKind.CLAIM:
        raise ValidationFailed(f"this conflict is claim {row.holding_ids[0]}: accept or reject the claim "
                               "(POST /api/v1/holdings/{id}/accept or /reject)", field="conflict_id")
    before = snapshot(row)
    row.status, row.resolved_at, row.resolution = "resolved", utcnow(), resolution
    session.flush()
    record(session, principal, "conflict.resolve", "conflict", row.id, before, snapshot(row))
    return row
