"""DDEX DSR flat files (Digital Sales Report, tab-separated), basic audio and UGC profiles.

A file is HEAD, summary records (SYxx: the sales context, territory and currency), blocks of
records about releases, resources, works and their sales/usage (RE, AS, MW, SU), and FOOT with
the counts to check. Each SU record becomes one usage line; every other record is read for its
context, documented as read and skipped, or refused as UNSUPPORTED with the record type named.
A missing FOOT or counts that disagree with the file are TRUNCATED (line 0 or the FOOT line):
the ingest must not land a report that has one. What is read, cell by cell, and what is refused
is in docs/usage-formats.md. Pure and streaming: memory is the summaries and one block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from clearinghouse.core import money, platforms
from clearinghouse.usage.formats import dsr_layout as layout
from clearinghouse.usage.formats.dsr_cells import (
    Refused,
    Resource,
    dsr_date,
    net_revenue,
    set_identifier,
    split_cells,
    usage_count,
)
from clearinghouse.usage.formats.dsr_pools import Allocation, Pool, PoolCounts, pool_of
from clearinghouse.usage.formats.text_input import (
    ValueRefused,
    country_code,
    currency_code,
    cut_raw,
    parse_int,
    period_bounds,
    text_lines,
    undecodable,
)
from clearinghouse.usage.records import Rejection, RejectionReason, UsageKind, UsageLine

R = RejectionReason


@dataclass(frozen=True)
class _Summary:
    territory: str
    currency: str | None
    channel: str | None


@dataclass
class _Block:
    block_id: str
    releases: dict[str, Resource] = field(default_factory=dict)  # by ReleaseReference
    resources: dict[str, Resource] = field(default_factory=dict)
    last_resource: Resource | None = None


def read_dsr(
    source: BinaryIO,
    *,
    period: str,
    today: date,
    channel: str | None = None,
    currency: str | None = None,
    encoding: str | None = None,
) -> Iterator[UsageLine | Rejection]:
    """Usage lines and rejections of a DSR flat file, in file order.

    `channel`: the platform the report is from (its code); None takes it from the file (a summary
    record's DistributionChannel, else HEAD's SenderName, when either names a known platform).
    A file naming another known platform than `channel` is FOREIGN_CONTENT. `currency`: used
    where a summary record gives none.
    """
    if not source.seekable():  # one pass: basic audio lines carry no revenue (see dsr_pools)
        yield from _DsrReader(period, today, channel, currency).read(text_lines(source, encoding))
        return
    start, counts = source.tell(), PoolCounts()
    first = _DsrReader(period, today, channel, currency, counts=counts)
    for _ in first.read(text_lines(source, encoding)):
        if first.blocks and not first.pools:
            break  # summaries come first: no pool to share, no need to count
    source.seek(start)
    allocations = {summary_id: Allocation(pool, counts.by_pool.get(summary_id, Counter()))
                   for summary_id, pool in first.pools.items()}
    yield from _DsrReader(period, today, channel, currency, allocations=allocations).read(
        text_lines(source, encoding))


class _DsrReader:
    def __init__(self, period: str, today: date, channel: str | None, currency: str | None, *,
                 counts: PoolCounts | None = None,
                 allocations: dict[str, Allocation] | None = None) -> None:
        self.counts, self.allocations = counts, allocations or {}
        self.pools: dict[str, Pool] = {}  # summary record id → its revenue pool
        self.basic_audio = False
        self.period, self.today, self.channel = period, today, channel
        self.default_currency = currency
        self.first_day, self.last_day = period_bounds(period)
        self.columns = layout.ColumnNames()
        self.head_line = 0
        self.refuse_all: Refused | None = None
        self.file_channel: str | None = None
        self.summaries: dict[str, _Summary | str] = {}  # a refused summary keeps why
        self.summary_records = 0
        self.blocks = 0
        self.block: _Block | None = None
        self.foot_line = 0

    def read(self, lines: Iterator[str]) -> Iterator[UsageLine | Rejection]:
        line_no = 0
        for line_no, raw in enumerate(lines, start=1):
            text = raw.rstrip("\n").rstrip("\r")
            if not text.strip() or text.startswith("#"):
                if text.startswith("#"):
                    self.columns.learn(split_cells(text))
                continue  # empty records and ignored lines count for FOOT but hold nothing
            try:
                if undecodable(text):
                    raise Refused(R.MALFORMED, "the line holds bytes that are not UTF-8 or GB18030")
                line = self._record(line_no, split_cells(text))
            except Refused as refused:
                yield Rejection(line_no, refused.reason, refused.message, refused.cell, cut_raw(text))
            else:
                if line is not None:
                    yield line
        if not self.foot_line:
            yield Rejection(0, R.TRUNCATED, f"no FOOT record: the file ends at line {line_no} "
                            "without the footer a complete DSR file ends with")

    def _record(self, line_no: int, cells: list[str]) -> UsageLine | None:
        record_type = cells[0].strip()
        base = layout.base_type(record_type)
        if self.foot_line:
            raise Refused(R.MALFORMED, f"a {record_type} record after FOOT (line {self.foot_line})")
        if base in ("SRHE", "SRFO"):  # the single-record block variant's header and footer
            if base == "SRHE":
                self.head_line = line_no
            else:
                self.foot_line = line_no
            self.refuse_all = Refused(R.UNSUPPORTED, "the single-record block variant (SRHE … SRFO) "
                                      "is not read; send the multi-record block variant", "RecordType")
            raise self.refuse_all
        if base == "HEAD":
            self._head(line_no, record_type, cells)
            return None
        if base == "FOOT":
            self._foot(line_no, record_type, cells)
            return None
        if not self.head_line:
            raise Refused(R.MALFORMED, f"a {record_type} record before HEAD: a DSR file starts "
                           "with its HEAD record")
        if base.startswith("SY"):
            self.summary_records += 1
        else:
            self._enter_block(cells)
        if self.refuse_all is not None:
            raise Refused(self.refuse_all.reason, f"{self.refuse_all.message} "
                           f"(HEAD, line {self.head_line})", self.refuse_all.cell)
        if base in layout.SUMMARY:
            self._summary(line_no, record_type, cells)
        elif base == "RE01":
            self._release(record_type, cells)
        elif base in layout.RESOURCE:
            self._resource(record_type, cells)
        elif base == "MW01":
            self._work(record_type, cells)
        elif base in layout.USAGE:
            return self._usage(line_no, record_type, cells)
        elif base not in layout.SKIPPED_TYPES:
            raise Refused(R.UNSUPPORTED, f"record type {record_type!r} is not read (this reader "
                           "reads SY01-SY05, SY09, RE01, AS01, AS02, MW01, SU01-SU03 and skips LC01; "
                           "see docs/usage-formats.md)", "RecordType")
        return None

    def _cell(self, record_type: str, cells: list[str], cell: layout.Cell) -> str:
        index = self.columns.index(record_type, cell)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def _require(self, record_type: str, cells: list[str], cell: layout.Cell) -> str:
        value = self._cell(record_type, cells, cell)
        if not value:
            raise Refused(R.MISSING_FIELD, f"{record_type} has no {cell.names[0]} "
                           f"(cell {cell.position})", cell.names[0])
        return value

    # --- HEAD and FOOT ----------------------------------------------------------------------

    def _head(self, line_no: int, record_type: str, cells: list[str]) -> None:
        if self.head_line:
            raise Refused(R.MALFORMED, f"a second HEAD record (the first is line {self.head_line})")
        self.head_line = line_no
        try:
            self._check_head(record_type, cells)
        except Refused as refused:
            self.refuse_all = refused
            raise

    def _check_head(self, record_type: str, cells: list[str]) -> None:
        head = layout.HEAD
        version = self._require(record_type, cells, head["message_version"])
        if not version.startswith("dsrf/"):
            raise Refused(R.UNSUPPORTED, f"MessageVersion {version!r} is not a DSR flat-file "
                           "version (dsrf/…)", "MessageVersion")
        profile = self._require(record_type, cells, head["profile"])
        self.basic_audio = layout.fold_name(profile) == "basicaudioprofile"
        if layout.fold_name(profile) not in layout.PROFILES:
            raise Refused(R.UNSUPPORTED, f"profile {profile!r} is not read; this reader reads "
                           f"{' and '.join(layout.PROFILES.values())}", "Profile")
        files = self._cell(record_type, cells, head["number_of_files"]) or "1"
        if files != "1":
            raise Refused(R.UNSUPPORTED, f"a DSR message in {files} files is not read; send it "
                           "as one file", "NumberOfFiles")
        start = dsr_date(self._require(record_type, cells, head["usage_start"]), "UsageStartDate")
        end = dsr_date(self._require(record_type, cells, head["usage_end"]), "UsageEndDate", True)
        if start < self.first_day or end > self.last_day:
            raise Refused(R.OUTSIDE_PERIOD, f"the file reports {start} to {end}, outside the "
                           f"report's period {self.period}", "UsageStartDate")
        if end > self.today:
            raise Refused(R.FUTURE, f"the file reports use up to {end}, after today "
                           f"({self.today})", "UsageEndDate")
        sender = self._cell(record_type, cells, head["sender_name"])
        self.file_channel = self._platform_of(sender, "SenderName")

    def _foot(self, line_no: int, record_type: str, cells: list[str]) -> None:
        self.foot_line = line_no
        expected = {
            "lines_in_file": line_no,
            "summary_records": self.summary_records,
            "blocks_in_file": self.blocks,
        }
        for key, counted in expected.items():
            cell = layout.FOOT[key]
            try:
                stated = parse_int(self._require(record_type, cells, cell), cell.names[0])
            except ValueRefused as exc:
                raise Refused(R.MALFORMED, str(exc), cell.names[0]) from exc
            if stated != counted:
                raise Refused(R.TRUNCATED, f"FOOT says {cell.names[0]} is {stated} but the file "
                               f"has {counted}: records are missing or extra", cell.names[0])

    def _platform_of(self, name: str, cell: str) -> str | None:
        """The platform `name` names, or None; another platform than the report's is refused."""
        found = platforms.current().find(name) if name else None
        if found is None:
            return None
        if self.channel is not None and found.code != self.channel:
            raise Refused(R.FOREIGN_CONTENT, f"{cell} {name!r} is platform {found.code!r}, but "
                           f"the report is from {self.channel!r}", cell)
        return found.code

    # --- summaries and blocks ---------------------------------------------------------------

    def _summary(self, line_no: int, record_type: str, cells: list[str]) -> None:
        summary = layout.SUMMARY[layout.base_type(record_type)]
        summary_id = self._require(record_type, cells, summary["summary_id"])
        if summary_id in self.summaries:
            raise Refused(R.MALFORMED, f"SummaryRecordId {summary_id!r} is used twice",
                           "SummaryRecordId")
        try:
            self.summaries[summary_id] = found = self._read_summary(record_type, cells)
            pool = self._pool(record_type, cells, found.currency)
            if pool is not None:
                self.pools[summary_id] = pool
        except Refused as refused:
            self.summaries[summary_id] = f"summary record {summary_id!r} (line {line_no}) was " \
                                         f"refused: {refused.message}"
            raise

    def _read_summary(self, record_type: str, cells: list[str]) -> _Summary:
        summary = layout.SUMMARY[layout.base_type(record_type)]
        territory_cell = self._require(record_type, cells, summary["territory"])
        territory = country_code(territory_cell)
        if territory is None:
            raise Refused(R.UNKNOWN_TERRITORY, f"Territory {territory_cell!r} is not an ISO "
                           "3166-1 alpha-2 country code (report each country separately)",
                           "Territory")
        currency_cell = self._cell(record_type, cells, summary["currency"])
        currency = self.default_currency
        if currency_cell:
            try:
                currency = currency_code(currency_cell, self.today)
            except money.MoneyError as exc:
                raise Refused(R.UNKNOWN_CURRENCY, f"Currency: {exc}", "Currency") from exc
        distributor = self._cell(record_type, cells, summary["distribution_channel"])
        channel = self.channel or self._platform_of(distributor, "DistributionChannel")
        return _Summary(territory, currency, channel or self.file_channel)

    def _pool(self, record_type: str, cells: list[str], currency: str | None) -> Pool | None:
        if not self.basic_audio:
            return None  # UGC revenue is in each SU03 record
        return pool_of(layout.SUMMARY[layout.base_type(record_type)],
                       lambda cell: self._cell(record_type, cells, cell), currency)

    def _enter_block(self, cells: list[str]) -> None:
        block_id = cells[1].strip() if len(cells) > 1 else ""
        if self.block is None or self.block.block_id != block_id:
            self.blocks += 1  # a block's records are contiguous, so a new id is a new block
            self.block = _Block(block_id)

    def _current_block(self) -> _Block:
        assert self.block is not None  # _enter_block ran for every block record
        return self.block

    def _release(self, record_type: str, cells: list[str]) -> None:
        reference = self._require(record_type, cells, layout.RELEASE["release_ref"])
        dsp_id = self._require(record_type, cells, layout.RELEASE["dsp_release_id"])
        title = self._cell(record_type, cells, layout.RELEASE["title"]) or None
        self._current_block().releases[reference] = Resource(dsp_id, title=title)

    def _resource(self, record_type: str, cells: list[str]) -> None:
        cell = layout.RESOURCE[layout.base_type(record_type)]
        reference = self._require(record_type, cells, cell["resource_ref"])
        resource = Resource(
            dsp_id=self._cell(record_type, cells, cell["dsp_resource_id"]) or None,
            title=self._cell(record_type, cells, cell["title"]) or None,
        )
        block = self._current_block()
        block.resources[reference] = block.last_resource = resource
        # Identifiers last: a bad one is refused on this line, the resource stays usable.
        iswc = self._cell(record_type, cells, cell["iswc"])
        isrc = self._cell(record_type, cells, cell["isrc"])
        refused = [r for r in (set_identifier(resource, "isrc", isrc, "ResourceISRC"),
                               set_identifier(resource, "iswc", iswc, "ResourceISWC")) if r]
        if refused:
            raise refused[0]

    def _work(self, record_type: str, cells: list[str]) -> None:
        resource = self._current_block().last_resource
        if resource is None:
            raise Refused(R.MALFORMED, f"{record_type} describes the work of the resource "
                           "before it, and no AS record comes before it in its block")
        resource.title = resource.title or self._cell(record_type, cells, layout.WORK["title"])
        refused = set_identifier(resource, "iswc", self._cell(record_type, cells,
                                                               layout.WORK["iswc"]), "MusicalWorkISWC")
        if refused:
            raise refused

    # --- sales and usage ----------------------------------------------------------------------

    def _usage(self, line_no: int, record_type: str, cells: list[str]) -> UsageLine:
        base = layout.base_type(record_type)
        old_ugc = base == "SU03" and record_type.partition(".")[2] in ("01", "02")
        cell = layout.SU03_BEFORE_03 if old_ugc else layout.USAGE[base]
        summary_id = self._cell(record_type, cells, cell["summary_id"])
        if not summary_id and base == "SU03":
            raise Refused(R.UNSUPPORTED, "SU03 without SummaryRecordId: its use is split by "
                           "licensor in LI01 records, which this reader does not read",
                           "SummaryRecordId")
        summary = self._summary_for(record_type, summary_id)
        royalty_bearing = cell.get("royalty_bearing")  # SU03 has no such cell
        if royalty_bearing and self._cell(record_type, cells, royalty_bearing).casefold() == "false":
            raise Refused(R.UNSUPPORTED, "IsRoyaltyBearing is false: use no royalty is owed "
                           "for is not rated", "IsRoyaltyBearing")
        resource, content_id = self._transacted(record_type, cells, cell)
        usages_cell = cell["usages"]
        count = usage_count(self._require(record_type, cells, usages_cell), usages_cell.names[0])
        revenue = self._cell(record_type, cells, cell["net_revenue"])
        revenue_minor = net_revenue(revenue, summary.currency) if revenue else None
        if not revenue and summary_id in self.pools:  # the summary's revenue, shared
            if self.counts is not None:
                self.counts.add(summary_id, count)
            if summary_id in self.allocations:
                revenue, revenue_minor = "pool", self.allocations[summary_id].take(count)
        copies = base == "SU01"
        return UsageLine(
            line_no=line_no, period=self.period, usage_date=None, channel=summary.channel,
            territory=summary.territory, kind=UsageKind.COPIES if copies else UsageKind.PLAYS,
            plays=0 if copies else count, copies=count if copies else 0,
            revenue_minor=revenue_minor, currency=summary.currency if revenue else None,
            isrc=resource.isrc if resource else None, iswc=resource.iswc if resource else None,
            platform_content_id=content_id, title=resource.title if resource else None,
        )

    def _summary_for(self, record_type: str, summary_id: str) -> _Summary:
        if not summary_id:
            raise Refused(R.MISSING_FIELD, f"{record_type} has no SummaryRecordId",
                           "SummaryRecordId")
        found = self.summaries.get(summary_id)
        if found is None:
            raise Refused(R.BAD_VALUE, f"SummaryRecordId {summary_id!r} names no summary "
                           "record of this file (summary records come before the blocks)",
                           "SummaryRecordId")
        if isinstance(found, str):
            raise Refused(R.BAD_VALUE, found, "SummaryRecordId")
        return found

    def _transacted(
        self, record_type: str, cells: list[str], cell: dict[str, layout.Cell]
    ) -> tuple[Resource | None, str | None]:
        """The resource a usage record is about (if any) and the DSP's id for what was used."""
        block = self._current_block()
        if "dsp_resource_id" in cell:  # SU03: the UGC item's own id; the block's master resource
            content_id = self._require(record_type, cells, cell["dsp_resource_id"])
            if block.last_resource is None:
                raise Refused(R.MISSING_FIELD, f"block {block.block_id!r} has no AS record "
                               "describing the recording used", "BlockId")
            return block.last_resource, content_id
        resource_ref = self._cell(record_type, cells, cell["resource_ref"])
        if resource_ref:
            resource = block.resources.get(resource_ref)
            if resource is None:
                raise Refused(R.BAD_VALUE, f"TransactedResourceReference {resource_ref!r} names "
                               f"no resource of block {block.block_id!r}",
                               "TransactedResourceReference")
            return resource, resource.dsp_id
        release_ref = self._cell(record_type, cells, cell["release_ref"])
        if not release_ref:
            raise Refused(R.MISSING_FIELD, f"{record_type} names neither a release nor a "
                           "resource", "TransactedResourceReference")
        release = block.releases.get(release_ref)
        if release is None:
            raise Refused(R.BAD_VALUE, f"TransactedReleaseReference {release_ref!r} names no "
                          f"release of block {block.block_id!r}", "TransactedReleaseReference")
        return release, release.dsp_id
