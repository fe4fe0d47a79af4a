"""Decoding untrusted media in a worker process: a deadline and a memory cap (core/isolation.py),
so a hostile file costs a worker, never the server. Every failure is one clear 422."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from clearinghouse.core.errors import DomainError
from clearinghouse.core.isolation import DeadlineExceeded, IsolatedRunner, WorkerDied
from clearinghouse.core.settings import Settings
from clearinghouse.identification.media import UnreadableMedia
from clearinghouse.identification.references.prints import (
    MediaJob,
    Prints,
    extract,
    fingerprinter_modules,
)

log = logging.getLogger(__name__)
WORKERS = 1  # decoding is CPU-bound; the admission limits bound how many uploads wait for it

_runners: dict[tuple[float, int], IsolatedRunner] = {}
_lock = threading.Lock()


def _runner(seconds: float, memory_bytes: int) -> IsolatedRunner:
    with _lock:
        runner = _runners.get((seconds, memory_bytes))
        if runner is None:
            runner = _runners[(seconds, memory_bytes)] = IsolatedRunner(
                workers=WORKERS, seconds=seconds, memory_bytes=memory_bytes,
                preload=("clearinghouse.identification.references.prints",
                         *fingerprinter_modules()))
        return runner


def extract_isolated(path: Path, settings: Settings) -> Prints:
    """Kind, length and prints of the file at `path`, decoded in a worker."""
    runner = _runner(settings.media_worker_seconds, settings.media_worker_memory_bytes)
    try:
        return runner.run(extract, MediaJob(str(path), settings.media_max_seconds))
    except DeadlineExceeded:
        raise UnreadableMedia(f"the file could not be decoded within "
                              f"{settings.media_worker_seconds:g} s") from None
    except (WorkerDied, MemoryError):
        raise UnreadableMedia("the file could not be decoded within the memory allowed") from None
    except DomainError:
        raise
    except Exception as exc:  # any other failure of a decoder on untrusted bytes: unreadable
        log.info("media worker refused a file: %r", exc)
        raise UnreadableMedia(f"the file could not be decoded: {type(exc).__name__}") from None
