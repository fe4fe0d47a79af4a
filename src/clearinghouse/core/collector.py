"""Python's cyclic garbage collector, tuned for bulk work.

A bulk job (an import of 100,000 works) allocates millions of short-lived containers (rows as
dicts, statement parameters), enough to make the collector run tens of thousands of times and
repeatedly rescan every long-lived object of the process: a third of the job's time at the
default thresholds, growing faster than the job. Within `fewer_collections` the collector runs
about a hundred times less often; reference counting still frees nearly everything at once, so
memory stays the same. Thresholds are process-wide: the first job in sets them and the last one
out restores them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (100_000, 50, 100)
_lock = threading.Lock()
_holders = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLDS)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                gc.set_threshold(*_saved)
