"""Pure rules of jobs: their states and who may read them. No I/O."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


UNFINISHED: frozenset[str] = frozenset({JobStatus.QUEUED.value, JobStatus.RUNNING.value})

INTERRUPTED = ("interrupted: the server stopped before this job finished, so it will not go on; "
               "whatever it had committed stays (see its progress)")
SHUT_DOWN = ("interrupted: the server shut down while this job ran, so it will not go on; "
             "whatever it had committed stays (see its progress)")


def may_read(owner_party_id: str, party_id: str, is_operator: bool) -> bool:
    """A job's owner sees it, and so does the operator; nobody else learns it exists."""
    return is_operator or owner_party_id == party_id
