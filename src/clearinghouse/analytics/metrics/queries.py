"""The metrics as Ibis expressions over clean events, the same on DuckDB and Spark.

Input columns (usage/cleaning/events.py EVENT_SCHEMA): device_id, event_time, event_date,
event_type, watch_seconds, channel (the platform's code), and the audience attributes. Device
ids stay inside these expressions: what comes back are counts.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

ATTRIBUTES = ("gender", "age_band", "province", "territory")


def with_month(events: Table) -> Table:
    return events.mutate(month=events.event_date.strftime("%Y-%m"), platform=events.channel)


def daily(events: Table) -> Table:
    """Per platform and day: DAU, launches, plays, seconds watched."""
    e = with_month(events)
    return e.group_by(["platform", "month", "event_date"]).aggregate(
        dau=e.device_id.nunique(),
        launches=(e.event_type == "launch").cast("int64").sum(),
        plays=(e.event_type == "play").cast("int64").sum(),
        watch_seconds=ibis.ifelse(e.event_type == "play", ibis.greatest(e.watch_seconds, 0),
                                  0).sum().cast("int64"))


def monthly(events: Table) -> Table:
    """Per platform and month: MAU, and the sums the per-user figures are made of."""
    e = with_month(events)
    users = e.group_by(["platform", "month"]).aggregate(mau=e.device_id.nunique())
    d = daily(events)
    days = d.group_by(["platform", "month"]).aggregate(
        active_days=d.event_date.nunique(), user_days=d.dau.sum().cast("int64"),
        launches=d.launches.sum().cast("int64"), plays=d.plays.sum().cast("int64"),
        watch_seconds=d.watch_seconds.sum().cast("int64"))
    return users.join(days, ["platform", "month"]).select(
        "platform", "month", "mau", "active_days", "user_days", "launches", "plays",
        "watch_seconds")


def market(events: Table) -> Table:
    """Per month: distinct devices on any platform (penetration's denominator)."""
    e = with_month(events)
    return e.group_by("month").aggregate(users=e.device_id.nunique())


def overlap(events: Table) -> Table:
    """Per month and pair of platforms (a < b): devices active on both."""
    e = with_month(events)
    present = e.select("platform", "month", "device_id").distinct()
    other = present.view()
    pairs = present.join(other, [present.month == other.month,
                                 present.device_id == other.device_id,
                                 present.platform < other.platform])
    pairs = pairs.select(month=present.month, a=present.platform, b=other.platform)
    return pairs.group_by(["month", "a", "b"]).aggregate(both=pairs.a.count().cast("int64"))


def demographics(events: Table, attribute: str) -> Table:
    """Per platform, month and value of `attribute`: devices, each counted once under the value
    its latest event in the month gave (unknown when none did)."""
    if attribute not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {attribute!r}")
    e = with_month(events)
    latest = e.group_by(["platform", "month", "device_id"]).aggregate(
        value=e[attribute].argmax(e.event_time))
    latest = latest.mutate(value=latest.value.fill_null("unknown"))
    return latest.group_by(["platform", "month", "value"]).aggregate(
        users=latest.device_id.count().cast("int64"))
