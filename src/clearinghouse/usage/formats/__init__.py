"""One reader per report format (`records.Reader`), found by name without importing the others.

Event logs are not read here: their events are cleaned and aggregated first (`usage.cleaning`),
and what comes out are usage lines like any other format's."""

from __future__ import annotations

from importlib import import_module

from clearinghouse.usage.records import Reader, ReportFormat

# format → "module:function"; each module is owned by its format and imported on first use.
_READERS: dict[ReportFormat, str] = {
    ReportFormat.AGGREGATE_CSV: "clearinghouse.usage.formats.aggregate:read_csv",
    ReportFormat.AGGREGATE_JSONL: "clearinghouse.usage.formats.aggregate:read_jsonl",
    ReportFormat.DSR: "clearinghouse.usage.formats.dsr:read_dsr",
    ReportFormat.SOCIETY: "clearinghouse.usage.formats.society:read_society",
}


def reader_for(fmt: ReportFormat) -> Reader:
    module, _, name = _READERS[fmt].partition(":")
    return getattr(import_module(module), name)  # type: ignore[no-any-return]
