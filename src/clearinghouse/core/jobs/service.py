"""Use cases of jobs over a session: submit, read, and record each change of state (flush only)."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import NotFound
from clearinghouse.core.ids import new_id
from clearinghouse.core.jobs import repository
from clearinghouse.core.jobs.domain import INTERRUPTED, JobStatus, may_read
from clearinghouse.core.jobs.tables import Job


class Caller(Protocol):
    """What the kernel needs of a principal (access.domain.Principal has it)."""

    @property
    def party_id(self) -> str: ...

    @property
    def is_operator(self) -> bool: ...


def submit(session: Session, *, kind: str, owner_party_id: str, total: int | None = None,
           dedupe_key: str | None = None) -> tuple[Job, bool]:
    """A new queued job, or (False) the earlier job submitted with the same dedupe key."""
    if dedupe_key is not None:
        earlier = repository.find_by_dedupe_key(session, owner_party_id, kind, dedupe_key)
        if earlier is not None:
            return earlier, False
    now = utcnow()
    job = Job(id=new_id("job"), kind=kind, owner_party_id=owner_party_id,
              status=JobStatus.QUEUED.value, progress_done=0, progress_total=total,
              dedupe_key=dedupe_key, created_at=now, updated_at=now)
    try:
        with session.begin_nested():  # two identical submissions at once: the second finds the first
            repository.add(session, job)
    except IntegrityError:
        assert dedupe_key is not None
        earlier = repository.find_by_dedupe_key(session, owner_party_id, kind, dedupe_key)
        if earlier is None:
            raise
        return earlier, False
    return job, True


def get_job(session: Session, caller: Caller, job_id: str) -> Job:
    job = repository.get(session, job_id)
    if job is None or not may_read(job.owner_party_id, caller.party_id, caller.is_operator):
        raise NotFound(f"job {job_id} not found", field="job_id")
    return job


def mark_running(session: Session, job_id: str) -> None:
    now = utcnow()
    repository.set_fields(session, job_id, status=JobStatus.RUNNING.value, started_at=now,
                          updated_at=now)


def record_progress(session: Session, job_id: str, done: int, total: int | None,
                    stage: str | None) -> None:
    repository.set_fields(session, job_id, progress_done=done, progress_total=total, stage=stage,
                          updated_at=utcnow())


def mark_succeeded(session: Session, job_id: str, result: dict[str, Any] | None,
                   release_key: bool) -> None:
    now = utcnow()
    extra: dict[str, Any] = {"dedupe_key": None} if release_key else {}
    repository.set_fields(session, job_id, status=JobStatus.SUCCEEDED.value, result=result,
                          stage=None, finished_at=now, updated_at=now, **extra)


def mark_failed(session: Session, job_id: str, message: str, release_key: bool) -> None:
    now = utcnow()
    extra: dict[str, Any] = {"dedupe_key": None} if release_key else {}
    repository.set_fields(session, job_id, status=JobStatus.FAILED.value, error=message,
                          finished_at=now, updated_at=now, **extra)


def running_jobs(session: Session, kinds: list[str]) -> list[tuple[str, str]]:
    """(id, kind) of the jobs of these kinds left running (at start-up: by a crash)."""
    return repository.running_of_kinds(session, kinds)


def fail_interrupted(session: Session) -> list[str]:
    """At start-up: jobs left queued or running by a crash or a stop will never finish."""
    return repository.fail_unfinished(session, INTERRUPTED, utcnow())
