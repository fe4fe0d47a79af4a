"""Clean an event log and aggregate what is left: the events in, every one out either clean or
removed with its rule (never dropped), a summary per platform and rule, and usage lines of clean
plays. Written with Ibis: pass a DuckDB connection (the default engine) or a Spark one.

Duplicates go first; the other rules then look at the deduplicated events, each on all of them,
and an event more than one flags counts under the first rule of `rules.RULE_ORDER`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from clearinghouse.usage.cleaning import flags
from clearinghouse.usage.cleaning.events import EVENT_SCHEMA
from clearinghouse.usage.cleaning.rules import RULE_ORDER, CleaningRules, Rule
from clearinghouse.usage.records import USAGE_LINE_SCHEMA, UsageKind, UsageLine

SUMMARY_SCHEMA = pa.schema([
    pa.field("channel", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("events_removed", pa.int64(), nullable=False),
    pa.field("plays_removed", pa.int64(), nullable=False),
    pa.field("events_total", pa.int64(), nullable=False),  # the platform's events in the log
    pa.field("plays_total", pa.int64(), nullable=False),
    pa.field("share_of_plays", pa.float64(), nullable=False),  # plays_removed / plays_total (0 when none)
])

# What a usage line is keyed by: plays per day, platform, country, content and licence.
USAGE_KEYS = ("event_date", "channel", "territory", "platform_content_id", "work_id", "isrc", "license_id")


@dataclass(frozen=True)
class Cleaned:
    """Lazy tables on the engine that cleaned them: nothing runs until read or written."""

    clean: ir.Table  # EVENT_SCHEMA columns
    removed: ir.Table  # EVENT_SCHEMA columns and `rule`

    def summary(self) -> pa.Table:
        return removal_summary(self.clean, self.removed)

    def usage_lines(self, *, report_id: str, reporter_id: str, period: str) -> pa.Table:
        return aggregate_usage(self.clean, report_id=report_id, reporter_id=reporter_id, period=period)


def clean(events: ir.Table, rules: CleaningRules | None = None) -> Cleaned:
    rules = rules or CleaningRules()
    marked = flags.mark_duplicates(flags.prepare(events), rules)
    duplicates = marked.filter(marked.duplicate).mutate(rule=ibis.literal(Rule.DUPLICATE.value))
    unique = marked.filter(~marked.duplicate)
    for mark in (flags.mark_impossible_watch, flags.mark_bursts, flags.mark_device_days,
                 flags.mark_many_ids, flags.mark_implausible_places):
        unique = mark(unique, rules)
    later_rules = [r for r in RULE_ORDER if r is not Rule.DUPLICATE]
    attributed = unique.mutate(rule=ibis.cases(*((unique[r.value], r.value) for r in later_rules),
                                               else_=ibis.null().cast("string")))
    columns = [*EVENT_SCHEMA.names, "rule"]
    every = _computed_once(duplicates.select(columns).union(attributed.select(columns)))
    return Cleaned(
        clean=every.filter(every.rule.isnull()).select(*EVENT_SCHEMA.names),
        removed=every.filter(every.rule.notnull()),
    )


def _computed_once(table: ir.Table) -> ir.Table:
    """The table computed once on its engine, since the clean events, the removed ones, the summary
    and the usage lines all read it (DuckDB: a temporary table, spilled to disk when large; Spark: a
    persisted DataFrame)."""
    return table.cache()


def clean_event_file(con: ibis.BaseBackend, events_path: str, rules: CleaningRules | None = None) -> Cleaned:
    """Clean a staged events Parquet file (`staging.stage_event_log`) on the engine `con`."""
    return clean(con.read_parquet(events_path), rules)


def removal_summary(clean_events: ir.Table, removed: ir.Table) -> pa.Table:
    """Per platform and rule: events and plays removed, and their share of the platform's plays."""
    is_play = (removed.event_type == "play").cast("int64")
    by_rule = removed.group_by(["channel", "rule"]).aggregate(events_removed=removed.count(),
                                                              plays_removed=is_play.sum())
    every = clean_events.select("channel", "event_type").union(removed.select("channel", "event_type"))
    totals = every.group_by("channel").aggregate(
        events_total=every.count(), plays_total=(every.event_type == "play").cast("int64").sum())
    joined = by_rule.join(totals, "channel")
    share = ibis.ifelse(joined.plays_total > 0,
                        joined.plays_removed.cast("float64") / joined.plays_total.cast("float64"), 0.0)
    result = joined.mutate(share_of_plays=share).select(*SUMMARY_SCHEMA.names).order_by(["channel", "rule"])
    return result.to_pyarrow().cast(SUMMARY_SCHEMA)


def aggregate_usage(clean_events: ir.Table, *, report_id: str, reporter_id: str, period: str) -> pa.Table:
    """Clean plays per (day, platform, country, content, licence) as `records.USAGE_LINE_SCHEMA`,
    unique viewers the distinct devices; numbered in key order so a rerun numbers alike."""
    plays = clean_events.filter(clean_events.event_type == "play")
    grouped = plays.group_by(list(USAGE_KEYS)).aggregate(plays=plays.count(),
                                                         unique_viewers=plays.device_id.nunique())
    null = ibis.null().cast("string")
    lines = grouped.mutate(
        report_id=ibis.literal(report_id), reporter_id=ibis.literal(reporter_id), period=ibis.literal(period),
        usage_date=grouped.event_date, kind=ibis.literal(UsageKind.PLAYS.value), copies=ibis.literal(0, "int64"),
        revenue_minor=ibis.null().cast("int64"), currency=null, iswc=null, title=null, right=null,
    )
    table = lines.to_pyarrow()
    order = [(k, "ascending") for k in ("usage_date", "channel", "territory", "platform_content_id",
                                        "work_id", "isrc", "license_id")]
    table = table.sort_by(order) if table.num_rows else table
    table = table.append_column("line_no", pa.array(range(1, table.num_rows + 1), pa.int64()))
    return table.select(USAGE_LINE_SCHEMA.names).cast(USAGE_LINE_SCHEMA)


def usage_lines(table: pa.Table) -> Iterator[UsageLine]:
    """The rows of `aggregate_usage` as `records.UsageLine`s."""
    fields = set(UsageLine.__slots__)
    for batch in table.to_batches():
        for row in batch.to_pylist():
            values = {k: v for k, v in row.items() if k in fields}
            values["kind"] = UsageKind(values["kind"])
            yield UsageLine(**values)
