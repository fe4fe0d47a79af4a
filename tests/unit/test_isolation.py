"""Work in an isolated worker: results and errors come back; a deadline or a runaway
allocation ends the worker, not the caller, and the runner keeps working afterwards."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

from clearinghouse.core.isolation import DeadlineExceeded, IsolatedRunner

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def runner() -> Iterator[IsolatedRunner]:
    runner = IsolatedRunner(workers=1, seconds=2, memory_bytes=256 * MiB)
    yield runner
    runner.close()


def test_the_result_and_the_exception_come_back(runner: IsolatedRunner) -> None:
    assert runner.run(sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(ValueError, match="invalid literal"):
        runner.run(int, "not a number")


def test_work_past_the_deadline_is_killed_and_the_runner_goes_on(runner: IsolatedRunner) -> None:
    with pytest.raises(DeadlineExceeded):
        runner.run(time.sleep, 3600)
    assert runner.run(len, b"abc") == 3  # a fresh worker took the killed one's place


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap uses /proc")
def test_a_worker_cannot_allocate_past_its_memory_cap(runner: IsolatedRunner) -> None:
    with pytest.raises(MemoryError):
        runner.run(bytearray, 1024 * MiB)  # a GiB: fine for this process, not for the worker
    assert runner.run(len, bytearray(MiB)) == MiB
