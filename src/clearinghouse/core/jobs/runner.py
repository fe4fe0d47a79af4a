"""Runs jobs: in a background thread of the server, or in the foreground for the command line.

The runner owns the transactions that record a job's state; the work itself opens its own short
transactions through the context (never one for the whole job), and checks `stop_requested`
between steps so that a shutdown ends it cleanly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.jobs import service
from clearinghouse.core.jobs.domain import SHUT_DOWN

log = logging.getLogger("clearinghouse.jobs")
ProgressListener = Callable[[int, int | None, str | None], None]


class JobStopped(Exception):
    """Raised by `JobContext.check_stop` when the runner is shutting down."""


class JobFailed(Exception):
    """The work ends in failure with a message meant for the job's owner."""


@dataclass
class JobContext:
    job_id: str
    sessions: sessionmaker[Session]  # writes: keep each transaction short
    read_sessions: sessionmaker[Session]  # reads that must never wait for or block writers
    stop: threading.Event = field(default_factory=threading.Event)
    listener: ProgressListener | None = None
    wrote: bool = False  # set once the work committed data: its dedupe key is then kept

    def progress(self, done: int, total: int | None, stage: str | None = None) -> None:
        with unit_of_work(self.sessions) as session:
            service.record_progress(session, self.job_id, done, total, stage)
        if self.listener is not None:
            self.listener(done, total, stage)

    def check_stop(self) -> None:
        if self.stop.is_set():
            raise JobStopped(SHUT_DOWN)


Work = Callable[[JobContext], dict[str, Any] | None]


@dataclass(frozen=True)
class Recovered:
    """What a kind's recovery made of a job a crash left running: why it failed, and whether
    its dedupe key may go (only when nothing it wrote remains)."""

    message: str
    release_key: bool


# Cleans up after one interrupted job of its kind, in short transactions of its own.
Recovery = Callable[[sessionmaker[Session], str], Recovered]


class JobRunner:
    """One worker thread: jobs of a server process run one after another, in submission order."""

    def __init__(self, sessions: sessionmaker[Session], read_sessions: sessionmaker[Session]) -> None:
        self.sessions, self.read_sessions = sessions, read_sessions
        self._stop = threading.Event()
        self._pool: ThreadPoolExecutor | None = None  # made on first use, again after a shutdown
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def start(self, job_id: str, work: Work) -> None:
        """Run in the background; the job row must already be committed as queued."""
        with self._lock:
            if self._pool is None:  # an app may be started and stopped more than once (tests)
                self._stop = threading.Event()
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")
            context = JobContext(job_id, self.sessions, self.read_sessions, self._stop)
            future = self._pool.submit(execute, context, work)
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def run_here(self, job_id: str, work: Work, listener: ProgressListener | None = None) -> None:
        """Run in this thread (the command line); Ctrl-C marks the job failed."""
        context = JobContext(job_id, self.sessions, self.read_sessions, self._stop, listener)
        try:
            execute(context, work)
        except KeyboardInterrupt:
            _finish_failed(context, "interrupted: stopped from the keyboard")
            raise

    def wait_idle(self, timeout: float | None = None) -> None:
        """Until every job started so far has finished (tests and orderly shutdown)."""
        with self._lock:
            pending = list(self._futures)
        for future in pending:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Ask running work to stop at its next step and wait for it; queued jobs fail."""
        with self._lock:
            pool, self._pool = self._pool, None
        self._stop.set()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with unit_of_work(self.sessions) as session:
            service.fail_interrupted(session)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)


def recover_interrupted(sessions: sessionmaker[Session], recoveries: Mapping[str, Recovery]) -> list[str]:
    """At start-up: a running job of a kind with a recovery is cleaned up by it before it is
    marked failed; every other queued or running job is marked failed as it is."""
    with unit_of_work(sessions) as session:
        running = service.running_jobs(session, list(recoveries))
    for job_id, kind in running:
        try:
            outcome = recoveries[kind](sessions, job_id)
        except Exception:  # the server must start; the job stays marked as interrupted
            log.exception("recovering job %s failed", job_id)
            continue
        with unit_of_work(sessions) as session:
            service.mark_failed(session, job_id, outcome.message, release_key=outcome.release_key)
    with unit_of_work(sessions) as session:
        return [job_id for job_id, _ in running] + service.fail_interrupted(session)


def execute(context: JobContext, work: Work) -> None:
    """Run one job to its end, recording running, then succeeded or failed."""
    with unit_of_work(context.sessions) as session:
        service.mark_running(session, context.job_id)
    try:
        result = work(context)
    except (JobStopped, JobFailed) as exc:
        _finish_failed(context, str(exc))
    except DomainError as exc:
        _finish_failed(context, exc.message)
    except Exception as exc:  # the job fails, the server goes on
        log.exception("job %s failed", context.job_id)
        _finish_failed(context, f"unexpected error ({type(exc).__name__}); it has been logged")
    else:
        with unit_of_work(context.sessions) as session:
            service.mark_succeeded(session, context.job_id, result, release_key=not context.wrote)


def _finish_failed(context: JobContext, message: str) -> None:
    with unit_of_work(context.sessions) as session:
        service.mark_failed(session, context.job_id, message, release_key=not context.wrote)
