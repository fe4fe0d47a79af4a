"""A small market of clean events whose metrics are worked out by hand (tests/analytics).

June 2026: 抖音 (douyin) devices d000–d299, 快手 (kuaishou) d180–d379 (120 on both), 哔哩哔哩
(bilibili) d500–d529 (30: under k). Device i is active on days 1 … (i % 3) + 1, each active
day one launch and one play watched 120 s. Gender: i < 150 female, 150 ≤ i < 290 male, else
not given. May: douyin d000–d239, one day each.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning.events import EVENT_SCHEMA, Event, EventType, events_to_batch

PLATFORMS = {"douyin": range(0, 300), "kuaishou": range(180, 380), "bilibili": range(500, 530)}


def _gender(i: int) -> str | None:
    return "female" if i < 150 else "male" if i < 290 else None


def device_days(platform: str, i: int, month: str, day: int, work_id: str | None = None
                ) -> list[Event]:
    year, m = int(month[:4]), int(month[5:])
    when = datetime(year, m, day, 8, 0, tzinfo=UTC)
    common = {"device_id": f"d{i:03d}", "event_date": date(year, m, day), "territory": "CN",
              "province": None, "age_band": "18-24", "gender": _gender(i), "channel": platform}
    return [Event(line_no=0, event_time=when, event_type=EventType.LAUNCH, watch_seconds=0,
                  **common),
            Event(line_no=0, event_time=when.replace(minute=1), event_type=EventType.PLAY,
                  watch_seconds=120, platform_content_id="v1", work_id=work_id, **common)]


def june_and_may() -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = {}
    for platform, devices in PLATFORMS.items():
        out[f"2026-06-{platform}"] = [e for i in devices for d in range(1, i % 3 + 2)
                                      for e in device_days(platform, i, "2026-06", d)]
    out["2026-05-douyin"] = [e for i in range(240) for e in device_days("douyin", i, "2026-05", 1)]
    return out


def write_lake(folder: Path) -> list[Path]:
    paths = []
    for name, events in june_and_may().items():
        path = folder / f"{name}.parquet"
        pq.write_table(pa.Table.from_batches([events_to_batch(events)], schema=EVENT_SCHEMA),
                       path)
        paths.append(path)
    return paths
