"""Where the DDEX DSR flat-file cells this reader uses are, per record type (docs/usage-formats.md).

Positions are the 1-based cell numbers of DSR Part 8 (record type definitions), as DDEX's own
schemas for the basic audio and UGC profiles (ddexnet/dsrf, profile versions 1.2) list them;
later record versions add cells at the end. A file may carry
column-name rows (``#SU02.03<TAB>BlockId<TAB>SummaryRecordId…``, lines Part 1 says to ignore);
when it does, the cells of that record type are found by name instead, so a sender whose version
moves a cell is still read right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

PROFILES = {"basicaudioprofile": "BasicAudioProfile", "ugcprofile": "UgcProfile"}

_NAME_FOLD = re.compile(r"[\s_]+")


def fold_name(name: str) -> str:
    return _NAME_FOLD.sub("", name).casefold()


@dataclass(frozen=True)
class Cell:
    """A cell: its Part 8 position (1-based; 0 when the record version has no such cell) and the
    names a column-name row may give it."""

    position: int
    names: tuple[str, ...]


Layout = dict[str, Cell]

HEAD: Layout = {
    "message_version": Cell(2, ("MessageVersion",)),
    "profile": Cell(3, ("Profile",)),
    "number_of_files": Cell(8, ("NumberOfFiles",)),
    "usage_start": Cell(9, ("UsageStartDate",)),
    "usage_end": Cell(10, ("UsageEndDate",)),
    "sender_name": Cell(12, ("SenderName",)),
}
FOOT: Layout = {
    "lines_in_file": Cell(2, ("NumberOfLinesInFile",)),
    "summary_records": Cell(4, ("NumberOfSummaryRecords",)),
    "blocks_in_file": Cell(5, ("NumberOfBlocksInFile",)),
}
_CURRENCY_NAMES = ("CurrencyOfReporting", "Currency")


def _summary(territory: int, currency: int, distribution_channel: int = 3) -> Layout:
    return {
        "summary_id": Cell(2, ("SummaryRecordId",)),
        "distribution_channel": Cell(distribution_channel, ("DistributionChannel",)),
        "territory": Cell(territory, ("Territory",)),
        "currency": Cell(currency, _CURRENCY_NAMES),
    }


# A basic audio summary's revenue pool (dsr_pools): its revenue and the usages it pays for;
# SY02 may also give the part allocated to the rights controller the file is for.
_POOL: Layout = {"usages": Cell(9, ("Usages",)), "net_revenue": Cell(12, ("NetRevenue",))}
_ALLOCATED: Layout = {"allocated_usages": Cell(15, ("AllocatedUsages",)),
                      "allocated_net_revenue": Cell(17, ("AllocatedNetRevenue",))}

# Summary records: the sales context (territory, currency, channel) usage records point to.
SUMMARY: dict[str, Layout] = {
    "SY01": {**_summary(7, 11), **_POOL},  # basic summary (downloads, streaming)
    "SY02": {**_summary(7, 11), **_POOL, **_ALLOCATED},  # ad-supported, interactive streaming
    "SY03": {**_summary(7, 11), **_POOL},  # subscription services
    "SY04": _summary(7, 15),  # per-subscriber minima
    "SY05": _summary(7, 18),  # subscription use per licensor
    "SY09": _summary(5, 16, distribution_channel=0),  # rights controllers' market shares
}
RELEASE: Layout = {  # RE01: read for the DSP's release id, no usage of its own
    "release_ref": Cell(3, ("ReleaseReference",)),
    "dsp_release_id": Cell(4, ("DspReleaseId",)),
    "title": Cell(10, ("Title", "ReleaseTitle")),
}
_RESOURCE: Layout = {
    "resource_ref": Cell(3, ("ResourceReference",)),
    "dsp_resource_id": Cell(4, ("DspResourceId",)),
    "isrc": Cell(5, ("ISRC", "ResourceISRC")),
    "title": Cell(6, ("Title", "ResourceTitle")),
}
RESOURCE: dict[str, Layout] = {
    "AS01": {**_RESOURCE, "iswc": Cell(0, ("ISWC", "ResourceISWC"))},  # no work details
    "AS02": {**_RESOURCE, "iswc": Cell(12, ("ISWC", "ResourceISWC", "MusicalWorkISWC"))},
}
WORK: Layout = {  # MW01: the work embodied in the resource before it
    "iswc": Cell(4, ("ISWC", "MusicalWorkISWC")),
    "title": Cell(5, ("Title", "MusicalWorkTitle")),
}
_BASIC_USAGE: Layout = {
    "summary_id": Cell(3, ("SummaryRecordId",)),
    "release_ref": Cell(5, ("TransactedRelease", "TransactedReleaseReference")),
    "resource_ref": Cell(6, ("TransactedResource", "TransactedResourceReference")),
    "royalty_bearing": Cell(7, ("IsRoyaltyBearing",)),
    # SU01 and SU02 carry a price, not revenue; the revenue is the summary record's.
    "net_revenue": Cell(0, ("NetRevenue",)),
}
_UGC_USAGE: Layout = {
    "summary_id": Cell(3, ("SummaryRecordId",)),
    "dsp_resource_id": Cell(5, ("DspResourceId", "DspReleaseId")),
    "usages": Cell(6, ("Usages",)),
    "net_revenue": Cell(7, ("NetRevenue",)),
    "royalty_bearing": Cell(11, ("IsRoyaltyBearing",)),
}
USAGE: dict[str, Layout] = {
    "SU01": {**_BASIC_USAGE, "usages": Cell(9, ("Usages", "NumberOfSales"))},  # downloads
    "SU02": {**_BASIC_USAGE, "usages": Cell(8, ("NumberOfStreams", "Usages"))},  # streams
    "SU03": _UGC_USAGE,  # UGC
}
# SU03.01 and SU03.02 (UGC profile 1.0, 1.1) put SalesTransactionId before SummaryRecordId.
SU03_BEFORE_03 = {**_UGC_USAGE, "summary_id": Cell(4, ("SummaryRecordId",))}

SKIPPED_TYPES = {  # read and skipped: they repeat what the records above carry and hold no usage
    "LC01": "label copy as the record company sent it (the AS02 record of the block is read)",
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
