"""Where the DDEX DSR flat-file cells this reader uses are, per record type (docs/usage-formats.md).

Positions are the 1-based cell numbers of DSR Part 8 (record type definitions). A file may carry
column-name rows (``#SU02.03<TAB>BlockId<TAB>SummaryRecordId…``, lines Part 1 says to ignore);
when it does, the cells of that record type are found by name instead, so a sender whose version
moves a cell is still read right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

PROFILES = {"basicaudioprofile": "BasicAudioProfile", "ugcprofile": "UgcProfile"}

# Record types read for usage, by base type (the ``.03`` version suffix is accepted for any).
SUMMARY_TYPES = frozenset({"SY01", "SY02", "SY03"})  # downloads, ad-supported/streaming, subscription
RELEASE_TYPES = frozenset({"RE01"})  # read for the DSP's release id, no usage of its own
RESOURCE_TYPES = frozenset({"AS01", "AS02"})
WORK_TYPES = frozenset({"MW01"})
USAGE_TYPES = frozenset({"SU01", "SU02", "SU03"})
SKIPPED_TYPES = {  # read and skipped: they repeat what the records above carry and hold no usage
    "LC01": "label copy as the record company sent it (the AS02 record of the block is read)",
}

_NAME_FOLD = re.compile(r"[\s_]+")


def fold_name(name: str) -> str:
    return _NAME_FOLD.sub("", name).casefold()


@dataclass(frozen=True)
class Cell:
    """A cell: its Part 8 position (1-based) and the names a column-name row may give it."""

    position: int
    names: tuple[str, ...]


HEAD = {
    "message_version": Cell(2, ("MessageVersion",)),
    "profile": Cell(3, ("Profile",)),
    "profile_version": Cell(4, ("ProfileVersion",)),
    "message_id": Cell(5, ("MessageId",)),
    "file_number": Cell(7, ("FileNumber",)),
    "number_of_files": Cell(8, ("NumberOfFiles",)),
    "usage_start": Cell(9, ("UsageStartDate",)),
    "usage_end": Cell(10, ("UsageEndDate",)),
    "sender_name": Cell(12, ("SenderName",)),
}
FOOT = {
    "lines_in_file": Cell(2, ("NumberOfLinesInFile",)),
    "summary_records": Cell(4, ("NumberOfSummaryRecords",)),
    "blocks_in_file": Cell(5, ("NumberOfBlocksInFile",)),
}
SUMMARY = {
    "summary_id": Cell(2, ("SummaryRecordId",)),
    "distribution_channel": Cell(3, ("DistributionChannel",)),
    "commercial_model": Cell(5, ("CommercialModel",)),
    "use_type": Cell(6, ("UseType",)),
    "territory": Cell(7, ("Territory",)),
    "service": Cell(8, ("ServiceDescription",)),
    "currency": Cell(11, ("Currency", "CurrencyOfReporting", "CurrencyOfTransaction")),
}
RELEASE = {
    "release_ref": Cell(3, ("ReleaseReference",)),
    "dsp_release_id": Cell(4, ("DspReleaseId",)),
}
RESOURCE = {
    "resource_ref": Cell(3, ("ResourceReference",)),
    "dsp_resource_id": Cell(4, ("DspResourceId",)),
    "isrc": Cell(5, ("ResourceISRC", "ISRC")),
    "title": Cell(6, ("ResourceTitle",)),
    # AS02's work cells come after the resource's own; without a column-name row the ISWC is the
    # cell after the 10th that holds one (T and ten digits cannot be mistaken for anything else).
    "iswc": Cell(0, ("ResourceISWC", "MusicalWorkISWC", "ISWC")),
}
WORK = {
    "iswc": Cell(4, ("MusicalWorkISWC", "ISWC")),
    "title": Cell(5, ("MusicalWorkTitle",)),
}
_BASIC_USAGE = {
    "summary_id": Cell(3, ("SummaryRecordId",)),
    "transaction_id": Cell(4, ("SalesTransactionId",)),
    "release_ref": Cell(5, ("TransactedReleaseReference", "TransactedRelease")),
    "resource_ref": Cell(6, ("TransactedResourceReference", "TransactedResource")),
    "royalty_bearing": Cell(7, ("IsRoyaltyBearing",)),
}
USAGE = {
    "SU01": {**_BASIC_USAGE, "usages": Cell(9, ("NumberOfSales", "Usages")),
             "net_revenue": Cell(10, ("NetRevenue",))},
    "SU02": {**_BASIC_USAGE, "usages": Cell(8, ("NumberOfStreams", "Usages")),
             "net_revenue": Cell(9, ("NetRevenue",))},
    "SU03": {
        "summary_id": Cell(3, ("SummaryRecordId",)),
        "transaction_id": Cell(4, ("SalesTransactionId",)),
        "dsp_resource_id": Cell(5, ("DspResourceId",)),
        "usages": Cell(6, ("Usages",)),
        "net_revenue": Cell(7, ("NetRevenue",)),
    },
}
# SU03.02 (UGC profile 1.0) had SalesTransactionId before SummaryRecordId.
SU03_02 = {
    **USAGE["SU03"],
    "transaction_id": Cell(3, ("SalesTransactionId",)),
    "summary_id": Cell(4, ("SummaryRecordId",)),
}


@dataclass
class ColumnNames:
    """Column-name rows seen so far: record base type → folded cell name → 0-based index."""

    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    _resolved: dict[tuple[str, int], int | None] = field(default_factory=dict)

    def learn(self, cells: list[str]) -> None:
        record_type = cells[0].lstrip("#").strip()
        if not record_type:
            return
        self.by_type[base_type(record_type)] = {fold_name(c): i for i, c in enumerate(cells)}
        self._resolved.clear()

    def index(self, record_type: str, cell: Cell) -> int | None:
        """0-based index of `cell` in a record of `record_type`; None when the file names no such
        column (then the reader treats the cell as empty)."""
        # Once per record type and cell, not once per record; cells are module constants, so
        # their id is a cheap key.
        key = (record_type, id(cell))
        try:
            return self._resolved[key]
        except KeyError:
            found = self._resolved[key] = self._find(base_type(record_type), cell)
            return found

    def _find(self, base: str, cell: Cell) -> int | None:
        named = self.by_type.get(base)
        if named is None:
            return cell.position - 1 if cell.position else None
        for name in cell.names:
            found = named.get(fold_name(name))
            if found is not None:
                return found
        return None


@lru_cache(maxsize=256)
def base_type(record_type: str) -> str:
    return record_type.split(".", 1)[0].upper()
