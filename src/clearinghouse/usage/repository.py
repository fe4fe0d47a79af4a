"""All SQL of usage reports: the reports, and the few facts a landing checks lines against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import License
from clearinghouse.platforms.tables import PlatformRow
from clearinghouse.registry.tables import Party
from clearinghouse.usage.domain import ReportStatus
from clearinghouse.usage.tables import UsageReport


def add(session: Session, report: UsageReport) -> None:
    session.add(report)
    session.flush()


def get(session: Session, report_id: str, *, for_update: bool = False) -> UsageReport | None:
    query = select(UsageReport).where(UsageReport.id == report_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_by_bytes(session: Session, reporter_id: str, period: str, sha256: str) -> UsageReport | None:
    return session.scalars(select(UsageReport).where(
        UsageReport.reporter_id == reporter_id, UsageReport.period == period,
        UsageReport.sha256 == sha256)).first()


def page(session: Session, reporter_id: str | None, offset: int, limit: int
         ) -> tuple[list[UsageReport], int]:
    """Newest first; every reporter's when `reporter_id` is None (the operator)."""
    query = select(UsageReport)
    count = select(func.count()).select_from(UsageReport)
    if reporter_id is not None:
        query = query.where(UsageReport.reporter_id == reporter_id)
        count = count.where(UsageReport.reporter_id == reporter_id)
    rows = session.scalars(query.order_by(UsageReport.created_at.desc(), UsageReport.id.desc())
                           .offset(offset).limit(limit))
    return list(rows), session.scalar(count) or 0


def set_fields(session: Session, report_id: str, **values: Any) -> None:
    session.execute(update(UsageReport).where(UsageReport.id == report_id).values(**values))


def finish_attempt(session: Session, report_id: str, attempt: int, **values: Any) -> bool:
    """Update the report only while `attempt` is still its landing; False when a redo took over."""
    result = session.execute(update(UsageReport).where(
        UsageReport.id == report_id, UsageReport.attempt == attempt,
        UsageReport.status == ReportStatus.LANDING.value).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def landed_report_ids(session: Session, period: str) -> list[tuple[str, str]]:
    """(report id, reporter id) of the reports whose lake files count for `period`."""
    rows = session.execute(select(UsageReport.id, UsageReport.reporter_id).where(
        UsageReport.period == period, UsageReport.status == ReportStatus.LANDED.value)
        .order_by(UsageReport.id))
    return [(report_id, reporter_id) for report_id, reporter_id in rows]


def stuck_in_landing(session: Session, job_id: str) -> list[str]:
    return list(session.scalars(select(UsageReport.id).where(
        UsageReport.job_id == job_id,
        UsageReport.status.in_([ReportStatus.RECEIVED.value, ReportStatus.LANDING.value]))))


# -- facts a landing checks lines against ---------------------------------------------------------


def party_roles(session: Session, party_id: str) -> list[str] | None:
    roles = session.scalar(select(Party.roles).where(Party.id == party_id))
    return None if roles is None else list(roles)


def platforms_of(session: Session, party_id: str) -> frozenset[str]:
    return frozenset(session.scalars(select(PlatformRow.code).where(PlatformRow.party_id == party_id)))


def all_platform_codes(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(PlatformRow.code)))


def licensees_of(session: Session, license_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(license_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(License.id, License.licensee_id).where(
            License.id.in_(ids[start:start + 500])))
        found.update((license_id, licensee_id) for license_id, licensee_id in rows)
    return found
