"""SQL of licenses, their history and payments (grants are in grants_repository.py).

A page of licenses needs each one's latest payment and download count: `latest_payments` and
`download_counts` fetch them for the whole page in one query each, never one per license.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import (
    Download,
    License,
    LicenseEvent,
    LicenseGrant,
    LicenseLine,
    Payment,
)


def get_license(session: Session, license_id: str, *, for_update: bool = False) -> License | None:
    query = select(License).where(License.id == license_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def page_of_licenses(
    session: Session, *, party_id: str | None, status: str | None, offset: int, limit: int
) -> tuple[Sequence[License], int]:
    """Newest first, and the total. With `party_id`: the licenses it bought or is paid through
    as a holder; without: all."""
    query = select(License)
    if party_id is not None:
        held = select(LicenseLine.license_id).where(LicenseLine.holder_id == party_id)
        query = query.where(or_(License.licensee_id == party_id, License.id.in_(held)))
    if status:
        query = query.where(License.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(License.created_at.desc(), License.id).offset(offset).limit(limit)
    ).all()
    return rows, total


def events_of_license(session: Session, license_id: str) -> Sequence[LicenseEvent]:
    return session.scalars(
        select(LicenseEvent).where(LicenseEvent.license_id == license_id).order_by(LicenseEvent.id)
    ).all()


def licenses_ended_by(session: Session, on: date, statuses: Sequence[str]) -> Sequence[License]:
    """Licenses in these statuses whose period ended on or before `on`, by id."""
    return session.scalars(
        select(License)
        .where(
            License.status.in_(list(statuses)),
            License.valid_to.is_not(None),
            License.valid_to <= on,
        )
        .order_by(License.id)
    ).all()


def license_by_idempotency_key(session: Session, licensee_id: str, key: str) -> License | None:
    return session.scalars(
        select(License).where(License.licensee_id == licensee_id, License.idempotency_key == key)
    ).first()


def get_payment(session: Session, payment_id: str, *, for_update: bool = False) -> Payment | None:
    query = select(Payment).where(Payment.id == payment_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def pending_payments_of(session: Session, license_id: str) -> Sequence[Payment]:
    return session.scalars(
        select(Payment)
        .where(Payment.license_id == license_id, Payment.status == "pending")
        .order_by(Payment.id)
    ).all()


def payments_of_license(session: Session, license_id: str) -> Sequence[Payment]:
    """Oldest first."""
    return session.scalars(
        select(Payment)
        .where(Payment.license_id == license_id)
        .order_by(Payment.created_at, Payment.id)
    ).all()


def latest_payments(session: Session, license_ids: Sequence[str]) -> dict[str, Payment]:
    """Each license's most recent payment (none for a license without one), in one query."""
    if not license_ids:
        return {}
    latest: dict[str, Payment] = {}
    for payment in session.scalars(
        select(Payment)
        .where(Payment.license_id.in_(list(license_ids)))
        .order_by(Payment.created_at, Payment.id)
    ):
        latest[payment.license_id] = payment  # oldest first: the last one wins
    return latest


def download_counts(session: Session, license_ids: Sequence[str]) -> dict[str, int]:
    """How many times each license's files were downloaded (0 when never), in one query."""
    counts = dict.fromkeys(license_ids, 0)
    if not license_ids:
        return counts
    rows = session.execute(
        select(Download.license_id, func.count())
        .where(Download.license_id.in_(list(license_ids)))
        .group_by(Download.license_id)
    )
    counts.update({license_id: int(n) for license_id, n in rows})
    return counts


def licenses_on_channel(session: Session, channel: str, *, offset: int,
                        limit: int) -> tuple[Sequence[License], int]:
    """Newest first, and the total: licenses that grant a use on this platform."""
    granted = select(LicenseGrant.license_id).where(LicenseGrant.channel == channel)
    query = select(License).where(License.id.in_(granted))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(License.created_at.desc(), License.id).offset(offset).limit(limit)
    ).all()
    return rows, total
