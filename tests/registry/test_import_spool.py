"""The spool between the import's passes gives back every checked row, batch by batch, as it
was checked (dates, missing values, holdings and relations included)."""

from __future__ import annotations

from datetime import date

from clearinghouse.registry.import_spool import BatchSpool, SpooledBatch
from clearinghouse.registry.import_writer import HoldingRecord, WorkRecord


def _record(i: int) -> WorkRecord:
    holding = HoldingRecord(i + 2, "pty_1", ["master_use"], 1_000_000, ["CN"], [],
                            date(2020, 2, 29) if i % 2 else None, None, None, False, None)
    return WorkRecord("sound_recording", f"录音 {i}", [{"title": f"Rec {i}", "language": "en"}],
                      None, 180, None, date(2019, 5, 4), "not_stated", "pty_1",
                      [("isrc", f"CNA011700{i:03d}")], [("林夕", "lyricist", None)], ["live"],
                      [("embodies", f"s{i}", None)], [holding])


def test_batches_come_back_in_order_and_unchanged_as_often_as_read():
    batches = [SpooledBatch(3, 3 * (b + 1), 3 * (b + 1) + 1,
                            [(3 * b + i, _record(3 * b + i)) for i in range(3) if i != 1])
               for b in range(4)]
    spool = BatchSpool()
    try:
        for batch in batches:
            spool.add(batch)
        assert list(spool) == batches
        assert list(spool) == batches  # a second read starts at the beginning again
    finally:
        spool.close()
