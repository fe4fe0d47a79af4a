"""One event of a platform's event log, and its column in the lake.

An event log has one row per thing a device did: opened the app, started a play, finished one.
Only `play` events count as plays; the others help the cleaning rules see how a device behaves.
Device ids are pseudonymous and never leave the lake: what leaves is aggregated usage lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import pyarrow as pa


class EventType(StrEnum):
    LAUNCH = "launch"  # the app was opened; no content
    PLAY = "play"  # a play of one piece of content started (the one event counted as a play)
    PAUSE = "pause"
    RESUME = "resume"
    SEEK = "seek"
    COMPLETE = "complete"  # a play reached the end of the content
    HEARTBEAT = "heartbeat"  # the player is still playing (sent every so often by some players)


# Events that are about a piece of content (and so must name one).
CONTENT_EVENTS = frozenset({EventType.PLAY, EventType.PAUSE, EventType.RESUME, EventType.SEEK,
                            EventType.COMPLETE, EventType.HEARTBEAT})


@dataclass(frozen=True, slots=True)
class Event:
    line_no: int
    device_id: str
    event_time: datetime  # UTC
    event_date: date  # the day as the platform wrote it (its own offset): plays count on this day
    event_type: EventType
    watch_seconds: int  # seconds watched in this play (negative values are kept for the rules)
    territory: str  # ISO 3166-1 alpha-2
    province: str | None  # ISO 3166-2 subdivision (CN-BJ) when the platform gives one
    age_band: str | None
    gender: str | None
    channel: str  # platform code
    platform_content_id: str | None = None
    work_id: str | None = None
    isrc: str | None = None
    license_id: str | None = None
    content_seconds: int | None = None  # the content's length, when the platform gives it


EVENT_SCHEMA = pa.schema([
    pa.field("line_no", pa.int64(), nullable=False),
    pa.field("device_id", pa.string(), nullable=False),
    pa.field("event_time", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("event_date", pa.date32(), nullable=False),
    pa.field("event_type", pa.string(), nullable=False),
    pa.field("watch_seconds", pa.int64(), nullable=False),
    pa.field("territory", pa.string(), nullable=False),
    pa.field("province", pa.string()),
    pa.field("age_band", pa.string()),
    pa.field("gender", pa.string()),
    pa.field("channel", pa.string(), nullable=False),
    pa.field("platform_content_id", pa.string()),
    pa.field("work_id", pa.string()),
    pa.field("isrc", pa.string()),
    pa.field("license_id", pa.string()),
    pa.field("content_seconds", pa.int64()),
])

# Removed events carry the rule that removed them, after the event's own columns.
REMOVED_EVENT_SCHEMA = pa.schema([*EVENT_SCHEMA, pa.field("rule", pa.string(), nullable=False)])


def events_to_batch(events: list[Event]) -> pa.RecordBatch:
    columns = {name: [getattr(e, name) for e in events] for name in EVENT_SCHEMA.names}
    columns["event_type"] = [e.event_type.value for e in events]
    return pa.RecordBatch.from_pydict(columns, schema=EVENT_SCHEMA)
