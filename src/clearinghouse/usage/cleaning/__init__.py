"""Event logs: read and staged into Parquet (`reader`, `staging`), cleaned by named rules with
configurable thresholds (`rules`, `flags`, `pipeline`), removed traffic kept and summarised,
clean plays aggregated into usage lines (docs/usage-cleaning.md).

    staged = stage_event_log(file, fmt="csv", period="2026-10", today=today, report_id=...,
                             events_path=..., rejections_path=...)
    run = run_cleaning(ibis.duckdb.connect(), events_path, lake=Lake(root), period="2026-10",
                       reporter_id=..., report_id=..., rules=CleaningRules())
    run.summary, run.usage  # removed traffic per platform and rule; the usage lines to land
"""

from clearinghouse.usage.cleaning.events import EVENT_SCHEMA, REMOVED_EVENT_SCHEMA, Event, EventType
from clearinghouse.usage.cleaning.output import CleaningRun, run_cleaning, write_cleaned
from clearinghouse.usage.cleaning.pipeline import (
    SUMMARY_SCHEMA,
    Cleaned,
    aggregate_usage,
    clean,
    clean_event_file,
    removal_summary,
    usage_lines,
)
from clearinghouse.usage.cleaning.reader import read_event_log
from clearinghouse.usage.cleaning.rules import RULE_ORDER, CleaningRules, Rule
from clearinghouse.usage.cleaning.staging import StagedLog, stage_event_log

__all__ = [
    "EVENT_SCHEMA", "REMOVED_EVENT_SCHEMA", "RULE_ORDER", "SUMMARY_SCHEMA", "Cleaned", "CleaningRules",
    "CleaningRun", "Event", "EventType", "Rule", "StagedLog", "aggregate_usage", "clean", "clean_event_file",
    "read_event_log", "removal_summary", "run_cleaning", "stage_event_log", "usage_lines", "write_cleaned",
]
