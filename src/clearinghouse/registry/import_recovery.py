"""What an import leaves when it is cut short, and how that is cleaned up.

Every batch the write pass commits carries, in the same transaction, one `works.import.batch`
audit event naming the job, the works it wrote and how far through the file it got. So after a
crash the database itself says what the job wrote: at the next start `recover` deletes it again
when the import was all-or-nothing (short transactions, audited like the in-process undo), or
else tells the user, in the job's error, how much was written and what to send next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs.runner import Recovered
from clearinghouse.registry import import_repository as repo

BATCH_ACTION = "works.import.batch"
UNDO_ACTION = "works.import.undo"
UNDO_CHUNK = 1000  # works deleted per transaction
CRASHED = "the server stopped before this job finished"
SHUT_DOWN = "the server shut down while this job ran"


@dataclass(frozen=True)
class BatchMark:
    """How far the write pass had got when a batch committed."""

    all_or_nothing: bool
    through_row: int  # the last spreadsheet row (or line) of the batch
    handled: int  # works of the file handled so far, written or rejected
    file_works: int


def batch_event(principal: Principal, now: datetime, job_id: str, work_ids: list[str],
                mark: BatchMark) -> dict[str, Any]:
    """The audit row a batch writes with its works (see import_writer for the row shape)."""
    return {"at": now, "actor_party_id": principal.party_id, "actor_key_id": principal.key_id,
            "action": BATCH_ACTION, "entity_type": "job", "entity_id": job_id, "before": None,
            "after": {"work_ids": work_ids, "all_or_nothing": mark.all_or_nothing,
                      "through_row": mark.through_row, "handled": mark.handled,
                      "file_works": mark.file_works}}


# -- what the job's error says -------------------------------------------------------------------


def nothing_written(why: str) -> str:
    return f"interrupted: {why}, before it had written anything. Send the file again."


def undone(why: str, works: int) -> str:
    return (f"interrupted: {why}. It was all-or-nothing, so the {works:,} works it had written "
            "were deleted again: nothing of the file was imported. Send the file again.")


def partly_written(why: str, works: int, mark: BatchMark) -> str:
    if mark.handled >= mark.file_works:
        return (f"interrupted: {why}, after every row was handled: {works:,} works were written "
                "(rejected rows were not), but the report was lost. Sending this file again "
                "returns this job.")
    return (f"interrupted: {why}. {works:,} works were written: the rows up to row "
            f"{mark.through_row:,} (the first {mark.handled:,} of the file's {mark.file_works:,} "
            "works) that passed the checks; the rest of the file was not written. Sending this "
            f"file again returns this job: send the rows after row {mark.through_row:,} as a new "
            "file.")


# -- after a crash -------------------------------------------------------------------------------


def recover(sessions: sessionmaker[Session], job_id: str) -> Recovered:
    """Clean up after an import job found running at start-up (the process that ran it is gone)."""
    with unit_of_work(sessions) as session:
        events = repo.batch_events(session, job_id, BATCH_ACTION)
    if not events:
        return Recovered(nothing_written(CRASHED), release_key=True)
    work_ids = [work_id for event in events for work_id in event["work_ids"]]
    last = events[-1]
    mark = BatchMark(bool(last["all_or_nothing"]), last["through_row"], last["handled"],
                     last["file_works"])
    if not mark.all_or_nothing:
        return Recovered(partly_written(CRASHED, len(work_ids), mark), release_key=False)
    delete_written(sessions, None, job_id, work_ids, f"all-or-nothing: {CRASHED}")
    return Recovered(undone(CRASHED, len(work_ids)), release_key=True)


def delete_written(sessions: sessionmaker[Session], actor: Principal | None, job_id: str,
                   work_ids: list[str], reason: str) -> None:
    """Delete an import's works, a chunk per transaction; the audit trail keeps their events."""
    for start in range(0, len(work_ids), UNDO_CHUNK):
        with unit_of_work(sessions) as session:
            repo.delete_works(session, work_ids[start:start + UNDO_CHUNK])
    if work_ids:
        with unit_of_work(sessions) as session:
            record(session, actor, UNDO_ACTION, "job", job_id, None,
                   {"works_deleted": len(work_ids), "reason": reason})
