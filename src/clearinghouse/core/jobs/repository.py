"""All SQL of jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from clearinghouse.core.jobs.domain import UNFINISHED
from clearinghouse.core.jobs.tables import Job


def add(session: Session, job: Job) -> None:
    session.add(job)
    session.flush()


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def find_by_dedupe_key(session: Session, owner_party_id: str, kind: str, key: str) -> Job | None:
    return session.scalars(select(Job).where(
        Job.owner_party_id == owner_party_id, Job.kind == kind, Job.dedupe_key == key)).first()


def set_fields(session: Session, job_id: str, **values: Any) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(**values))


def running_of_kinds(session: Session, kinds: list[str]) -> list[tuple[str, str]]:
    if not kinds:
        return []
    rows = session.execute(select(Job.id, Job.kind).where(
        Job.status == "running", Job.kind.in_(kinds)).order_by(Job.created_at))
    return [(job_id, kind) for job_id, kind in rows]


def fail_unfinished(session: Session, message: str, now: datetime) -> list[str]:
    """Every queued or running job becomes failed; a queued one, which changed nothing,
    releases its dedupe key so that the same submission may be made again."""
    ids = list(session.scalars(select(Job.id).where(Job.status.in_(UNFINISHED))))
    if ids:
        session.execute(update(Job).where(Job.id.in_(ids), Job.status == "queued")
                        .values(dedupe_key=None))
        session.execute(update(Job).where(Job.id.in_(ids)).values(
            status="failed", error=message, finished_at=now, updated_at=now))
    return ids
