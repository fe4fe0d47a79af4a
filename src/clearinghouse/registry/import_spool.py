"""The checked rows of an import, kept between its two passes in an anonymous temporary file.

The check pass must see the whole file before anything is written (all-or-nothing, references
to rows further down), so the write pass used to read and validate the file a second time. A
batch's accepted rows are plain values (import_writer.WorkRecord), so they are pickled instead,
a batch per entry: memory holds one batch, whatever the file's length. The file has no name (it
is gone with the process, even after a crash) and only this process writes it, so unpickling it
trusts nothing from outside.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import NamedTuple

from clearinghouse.registry.import_writer import WorkRecord


class SpooledBatch(NamedTuple):
    works: int  # works of the file in this batch, accepted or not
    handled: int  # works of the file up to the end of this batch
    through_row: int  # the batch's last spreadsheet row (or line)
    records: list[tuple[int, WorkRecord]]  # (index in the file, record) of rows accepted so far


class BatchSpool:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the job, see close)
        self._batches = 0

    def add(self, batch: SpooledBatch) -> None:
        pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._batches += 1

    def __iter__(self) -> Iterator[SpooledBatch]:
        self._file.seek(0)
        for _ in range(self._batches):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._file.close()
