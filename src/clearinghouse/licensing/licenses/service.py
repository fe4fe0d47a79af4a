"""A license's life after purchase: who may see it, and every change of state.

    pending_payment --paid--> active --past its end--> expired
         |                    |  ^
         | not paid           |  | reinstate (operator)
         v                    v  |
      revoked <--operator-- suspended

Every change is a LicenseEvent row and an audit record. Expiry is a fact of the calendar: readers
compute it (`effective_status`); `sweep` and every write also store it. Revoking and suspending
take a public reason code (reasons.ReasonCode) and an optional note for the parties only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.versioning import check_version
from clearinghouse.licensing.licenses import grants_repository, refunds, repository
from clearinghouse.licensing.licenses.payment_rows import cancel_row
from clearinghouse.licensing.licenses.reasons import ReasonCode, describe, label
from clearinghouse.licensing.licenses.tables import License, LicenseEvent, Payment
from clearinghouse.registry import repository as registry_repository
from clearinghouse.registry.tables import Party

PENDING, ACTIVE, EXPIRED, REVOKED, SUSPENDED = (
    "pending_payment",
    "active",
    "expired",
    "revoked",
    "suspended",
)
STATUSES = (PENDING, ACTIVE, EXPIRED, REVOKED, SUSPENDED)
StatusFilter = StrEnum("StatusFilter", {s: s for s in STATUSES})  # type: ignore[misc]

# Which state may follow which; expiry may follow any state that still runs.
TRANSITIONS: dict[str, set[str]] = {
    PENDING: {ACTIVE, REVOKED, EXPIRED},
    ACTIVE: {SUSPENDED, REVOKED, EXPIRED},
    SUSPENDED: {ACTIVE, REVOKED, EXPIRED},
    EXPIRED: set(),
    REVOKED: set(),
}


def today() -> date:
    return utcnow().date()


def effective_status(lic: License, on: date | None = None) -> str:
    """The stored status, or `expired` once the period is over (pending and revoked stay:
    an unpaid license never ran, a revoked one ended for another reason)."""
    on = on or today()
    if lic.status in (ACTIVE, SUSPENDED) and lic.valid_to is not None and lic.valid_to <= on:
        return EXPIRED
    return lic.status


def license_snapshot(lic: License) -> dict[str, object]:
    return {
        "id": lic.id,
        "status": lic.status,
        "status_reason_code": lic.status_reason_code,
        "status_reason": lic.status_reason,
        "version": lic.version,
        "licensee_id": lic.licensee_id,
        "total_minor": lic.total_minor,
        "currency": lic.currency,
    }


def may_view(principal: Principal, lic: License) -> bool:
    """The licensee, the operator, and each holder (or its agent) paid through the license."""
    if principal.is_operator or lic.licensee_id == principal.party_id:
        return True
    return any(principal.acts_for(line.holder_id, [line.right]) for line in lic.lines)


def load(session: Session, license_id: str, *, for_update: bool = False) -> License:
    lic = repository.get_license(session, license_id, for_update=for_update)
    if lic is None:
        raise NotFound(f"license {license_id} not found", field="license_id")
    return lic


def get_license(session: Session, principal: Principal, license_id: str) -> License:
    lic = load(session, license_id)
    if not may_view(principal, lic):
        # Ids are unguessable, so existence is no secret; terms and prices are.
        raise Forbidden(
            "this license is not yours, nor are you paid through it", field="license_id"
        )
    return lic


def list_licenses(
    session: Session, principal: Principal, *, status: str | None, offset: int, limit: int
) -> tuple[Sequence[License], int]:
    """Licenses the caller bought or is paid through as a holder; the operator sees all."""
    party_id = None if principal.is_operator else principal.party_id
    return repository.page_of_licenses(
        session, party_id=party_id, status=status, offset=offset, limit=limit
    )


@dataclass(frozen=True)
class PageDetails:
    """What a license's API view shows beyond its own row: its latest payment, its downloads."""

    payment: Payment | None
    downloads: int


def page_details(session: Session, licenses: Sequence[License]) -> dict[str, PageDetails]:
    """PageDetails of each license, read for the whole page at once (two queries, however many)."""
    ids = [lic.id for lic in licenses]
    payments = repository.latest_payments(session, ids)
    downloads = repository.download_counts(session, ids)
    return {i: PageDetails(payments.get(i), downloads[i]) for i in ids}


def events_of(session: Session, license_id: str) -> Sequence[LicenseEvent]:
    return repository.events_of_license(session, license_id)


def log_event(
    session: Session,
    principal: Principal | None,
    lic: License,
    action: str,
    from_status: str | None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> None:
    session.add(
        LicenseEvent(
            license_id=lic.id,
            actor_party_id=principal.party_id if principal else None,
            action=action,
            from_status=from_status,
            to_status=lic.status,
            reason_code=reason_code,
            reason=reason,
        )
    )


def transition(
    session: Session,
    principal: Principal | None,
    lic: License,
    to_status: str,
    action: str,
    reason: str | None = None,
    reason_code: ReasonCode | None = None,
) -> License:
    """`reason` is free text for the parties; `reason_code` the public why (revoke, suspend)."""
    if to_status not in TRANSITIONS[lic.status]:
        raise Conflict(
            f"a {lic.status} license cannot become {to_status}",
            field="status",
            details={"status": lic.status, "wanted": to_status},
        )
    before = license_snapshot(lic)
    previous = lic.status
    lic.status = to_status
    lic.status_reason_code = reason_code.value if reason_code else None
    lic.status_reason = reason
    lic.touch()
    if to_status == ACTIVE and lic.activated_at is None:
        lic.activated_at = utcnow()
    grants_repository.set_status(session, lic.id, to_status)
    log_event(session, principal, lic, action, previous, reason, lic.status_reason_code)
    session.flush()
    record(
        session, principal, f"license.{action}", "license", lic.id, before, license_snapshot(lic)
    )
    return lic


def settle_expiry(session: Session, lic: License) -> bool:
    """Store `expired` when the calendar says so; True when it changed."""
    if lic.status != EXPIRED and effective_status(lic) == EXPIRED:
        transition(session, None, lic, EXPIRED, "expire", "the license period ended")
        return True
    return False


def sweep(session: Session, on: date | None = None) -> list[str]:
    """Mark licenses past their end as expired (daily, or `clearinghouse license sweep`)."""
    on = on or today()
    rows = repository.licenses_ended_by(session, on, (ACTIVE, SUSPENDED))
    for lic in rows:
        transition(session, None, lic, EXPIRED, "expire", "the license period ended")
    return [lic.id for lic in rows]


def _reason_code(code: ReasonCode | str | None) -> ReasonCode:
    try:
        return ReasonCode(code or "")
    except ValueError:
        raise ValidationFailed(
            f"say why with a reason_code, one of: {describe()}; it is shown publicly, "
            "a note is kept for the license's parties only",
            field="reason_code",
        ) from None


def _note(note: str | None) -> str | None:
    return (note or "").strip() or None


def _operator_change(
    session: Session, principal: Principal, license_id: str, version: int | None
) -> License:
    if not principal.is_operator:
        raise Forbidden("only the operator may revoke, suspend or reinstate a license")
    lic = load(session, license_id, for_update=True)
    check_version(lic.version, version)
    settle_expiry(session, lic)
    return lic


def revoke(
    session: Session,
    principal: Principal,
    license_id: str,
    reason_code: ReasonCode | str | None,
    note: str | None,
    version: int | None,
    refund: bool | None = None,
) -> License:
    """Operator: end a license for good. A pending payment is cancelled; a paid licence is
    refunded when `refund` says so, by default when the reason does (see refunds.py)."""
    code, text = _reason_code(reason_code), _note(note)
    lic = _operator_change(session, principal, license_id, version)
    if lic.status == PENDING:
        for payment in pending_payments(session, lic.id):
            why = f"license revoked: {label(code)}" + (f" ({text})" if text else "")
            cancel_row(session, principal, payment, why)
    lic = transition(session, principal, lic, REVOKED, "revoke", text, code)
    if refund if refund is not None else refunds.refunds_by_default(code):
        owed = refunds.refund(session, principal, lic)
        if owed:
            record(session, principal, "license.refund", "license", lic.id, None,
                   {"owed_minor": owed, "reason_code": code.value})
    return lic


def suspend(
    session: Session,
    principal: Principal,
    license_id: str,
    reason_code: ReasonCode | str | None,
    note: str | None,
    version: int | None,
) -> License:
    code, text = _reason_code(reason_code), _note(note)
    lic = _operator_change(session, principal, license_id, version)
    return transition(session, principal, lic, SUSPENDED, "suspend", text, code)


def reinstate(
    session: Session, principal: Principal, license_id: str, note: str | None, version: int | None
) -> License:
    lic = _operator_change(session, principal, license_id, version)
    if lic.status != SUSPENDED:
        raise Conflict(
            f"only a suspended license can be reinstated; this one is {lic.status}", field="status"
        )
    return transition(session, principal, lic, ACTIVE, "reinstate", _note(note))


def pending_payments(session: Session, license_id: str) -> Sequence[Payment]:
    return repository.pending_payments_of(session, license_id)


def payments_of(session: Session, license_id: str) -> Sequence[Payment]:
    """Oldest first."""
    return repository.payments_of_license(session, license_id)


def operator_id(session: Session) -> str:
    """The operator party: the clearinghouse, which issues licenses on the holders' behalf."""
    return operator_party(session).id


def operator_party(session: Session) -> Party:
    party = registry_repository.first_operator_party(session)
    if party is None:
        raise NotFound("no operator party yet: run `clearinghouse init` first")
    return party
