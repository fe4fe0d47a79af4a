"""Run a parser of untrusted files in a worker process with a deadline and a memory ceiling.

A thread that is stuck in a parser cannot be stopped, and a parser's own limits never cover
everything; a process can be killed. Each `IsolatedRunner` keeps a small pool of workers
(pebble), started on first use, so a call costs a message to a warm process rather than a new
interpreter. A call that runs past its deadline kills its worker (the pool starts another); a
worker's address space is capped, so a runaway allocation is a MemoryError there, not here.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The work did not finish in time; its worker was killed."""


class WorkerDied(Exception):
    """The worker ended without an answer (killed by the system, or crashed)."""


def _cap_address_space(extra_bytes: int) -> None:
    """Worker start-up: allow `extra_bytes` beyond what the worker has mapped once started."""
    try:
        with open("/proc/self/statm") as statm:  # Linux: size in pages, first field
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc (macOS, Windows): the deadline and the parser's own limits still apply
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + extra_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _start_worker(preload: tuple[str, ...], extra_bytes: int) -> None:
    for module in preload:  # import before capping, so the cap is on the work, not the code
        __import__(module)
    _cap_address_space(extra_bytes)


class IsolatedRunner:
    """`run(fn, arg)` in one of `workers` processes, within `seconds` and `memory_bytes`."""

    def __init__(self, *, workers: int, seconds: float, memory_bytes: int,
                 preload: tuple[str, ...] = ()) -> None:
        self.workers, self.seconds, self.memory_bytes = workers, seconds, memory_bytes
        self.preload = preload
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                # "spawn": a fresh interpreter per worker, never a fork of this threaded server.
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    initializer=_start_worker,
                    initargs=(self.preload, self.memory_bytes),
                    context=multiprocessing.get_context("spawn"),
                )
            return self._pool

    def run(self, fn: Callable[[Any], T], arg: Any) -> T:
        """fn(arg) in a worker; its exception is raised here. `fn` must be importable by name."""
        future = self._get_pool().schedule(fn, args=(arg,), timeout=self.seconds)
        try:
            return future.result()
        except FutureTimeout:
            raise DeadlineExceeded(f"not finished within {self.seconds:g} s") from None
        except ProcessExpired as exc:
            raise WorkerDied(str(exc)) from None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it untyped
                self._pool.join()
                self._pool = None
