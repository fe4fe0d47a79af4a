"""Each cleaning rule as an Ibis expression: the same code runs on DuckDB and on Spark, using only
window functions, group-bys and joins. Every function takes the events (with the helper columns
`prepare` adds) and returns them with one more boolean column, named for its rule.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from clearinghouse.usage.cleaning.places import CN_PROVINCES, COUNTRIES
from clearinghouse.usage.cleaning.rules import CleaningRules, Rule

DEVICE = "device_id"
DAY = "event_date"
EARTH_RADIUS_KM = 6371.0
_SIGNATURE_MODULI = (1_000_003, 998_244_353)  # two sums of hashes: a collision needs both to agree
COUNTRY_LAT = {code: lat for code, (lat, _) in COUNTRIES.items()}
COUNTRY_LON = {code: lon for code, (_, lon) in COUNTRIES.items()}
PROVINCE_LAT = {code: lat for code, (lat, _) in CN_PROVINCES.items()}
PROVINCE_LON = {code: lon for code, (_, lon) in CN_PROVINCES.items()}
_NO_PLACE = ibis.null().cast("float64")


def prepare(events: ir.Table) -> ir.Table:
    """Helper columns: `t` (epoch seconds), `is_play` (1 or 0), `content` (the first id given)."""
    return events.mutate(
        t=events.event_time.epoch_seconds().cast("int64"),
        is_play=(events.event_type == "play").cast("int64"),
        content=ibis.coalesce(events.platform_content_id, events.work_id, events.isrc, ibis.literal("")),
    )


def _device_day_any(flag: ir.BooleanValue) -> ir.BooleanValue:
    """True on every event of a device-day where `flag` holds for any of its events."""
    return flag.cast("int64").max().over(group_by=[DEVICE, DAY]) == 1


def mark_duplicates(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """The second and later copies of an event (every column equal but the line number)."""
    if not rules.enabled(Rule.DUPLICATE):
        return events.mutate(duplicate=ibis.literal(False))
    same = [c for c in events.columns if c != "line_no"]
    copy_no = ibis.row_number().over(group_by=same, order_by="line_no")
    return events.mutate(duplicate=copy_no > 0)


def mark_impossible_watch(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """Negative watch, over a day, over the content's length, or longer than the time to the
    device's next play (a device plays one thing at a time; the event marks the play's start)."""
    if not rules.enabled(Rule.IMPOSSIBLE_WATCH):
        return events.mutate(impossible_watch=ibis.literal(False))
    next_play = events.t.lead().over(group_by=[DEVICE, events.is_play], order_by=["t", "line_no"])
    watch = events.watch_seconds
    impossible = (
        (watch < 0)
        | (watch > rules.max_watch_seconds)
        | (events.content_seconds.notnull() & (watch > events.content_seconds + rules.content_slack_seconds))
        | ((events.is_play == 1) & next_play.notnull() & (watch > next_play - events.t + rules.gap_slack_seconds))
    )
    return events.mutate(impossible_watch=impossible.fill_null(False))


def mark_bursts(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """A device-day in which more than `burst_plays` plays started within `burst_seconds`."""
    if not rules.enabled(Rule.BURST):
        return events.mutate(burst=ibis.literal(False))
    window = ibis.range_window(preceding=rules.burst_seconds - 1, following=0, group_by=DEVICE, order_by="t")
    in_window = events.mutate(plays_in_window=events.is_play.sum().over(window))
    return in_window.mutate(burst=_device_day_any(in_window.plays_in_window > rules.burst_plays)) \
        .drop("plays_in_window")


def mark_device_days(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """More plays, or more watch time (leaving out impossible watches), in a day than a person can."""
    plays = events.is_play.sum().over(group_by=[DEVICE, DAY])
    counted_watch = ibis.ifelse(events.impossible_watch, 0, events.watch_seconds)
    watch = counted_watch.sum().over(group_by=[DEVICE, DAY])
    return events.mutate(
        too_many_plays=(plays > rules.max_plays_per_device_day) & ibis.literal(rules.enabled(Rule.TOO_MANY_PLAYS)),
        too_much_watch=(watch > rules.max_watch_seconds_per_device_day)
        & ibis.literal(rules.enabled(Rule.TOO_MUCH_WATCH)),
    )


def mark_many_ids(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """Ids whose whole event sequence (event, content, watch and time since the id's first event)
    is the same as that of at least `clone_min_ids - 1` other ids: one script or device behind
    them, whether the ids ran at the same instants (a rack of phones) or one after another (a
    device rotating its id). Sequences are compared by their sum of hashes, per engine."""
    if not rules.enabled(Rule.MANY_IDS):
        return events.mutate(many_ids=ibis.literal(False))
    offset = events.t - events.t.min().over(group_by=DEVICE)
    step = ibis.literal("|").join([events.event_type, events.content, offset.cast("string"),
                                   events.watch_seconds.cast("string")])
    steps = events.mutate(step_hash=step.hash())
    per_id = steps.group_by(DEVICE).aggregate(
        n_events=steps.count(),
        **{f"sig{i}": (steps.step_hash % m).sum() for i, m in enumerate(_SIGNATURE_MODULI)},
    )
    signature = ["n_events", *(f"sig{i}" for i in range(len(_SIGNATURE_MODULI)))]
    clones = per_id.mutate(ids=per_id[DEVICE].count().over(group_by=signature))
    flagged = clones.filter((clones.ids >= rules.clone_min_ids) & (clones.n_events >= rules.clone_min_events))
    flagged = flagged.select(flagged_device=flagged[DEVICE])
    joined = events.left_join(flagged, events[DEVICE] == flagged.flagged_device)
    return joined.mutate(many_ids=joined.flagged_device.notnull()).drop("flagged_device")


def mark_implausible_places(events: ir.Table, rules: CleaningRules) -> ir.Table:
    """A device-day with a move between places (province centroid, else country) further apart
    than `place_tolerance_km` and faster than `max_travel_kmh`. Unlisted places are never judged."""
    if not rules.enabled(Rule.IMPLAUSIBLE_PLACE):
        return events.mutate(implausible_place=ibis.literal(False))
    # a CASE per coordinate rather than a join: nothing to register on the engine, no shuffle
    lat = ibis.coalesce(events.province.substitute(PROVINCE_LAT, else_=_NO_PLACE),
                        events.territory.substitute(COUNTRY_LAT, else_=_NO_PLACE))
    lon = ibis.coalesce(events.province.substitute(PROVINCE_LON, else_=_NO_PLACE),
                        events.territory.substitute(COUNTRY_LON, else_=_NO_PLACE))
    located = events.mutate(lat=lat, lon=lon)
    order = {"group_by": DEVICE, "order_by": ["t", "line_no"]}
    moved = located.mutate(prev_lat=located.lat.lag().over(**order), prev_lon=located.lon.lag().over(**order),
                           prev_t=located.t.lag().over(**order))
    km = _haversine_km(moved.prev_lat, moved.prev_lon, moved.lat, moved.lon)
    reachable_km = (moved.t - moved.prev_t).cast("float64") / 3600.0 * rules.max_travel_kmh
    teleport = ((km > rules.place_tolerance_km) & (km > reachable_km)).fill_null(False)
    return moved.mutate(implausible_place=_device_day_any(teleport)) \
        .drop("lat", "lon", "prev_lat", "prev_lon", "prev_t")


def _haversine_km(lat1: ir.FloatingValue, lon1: ir.FloatingValue, lat2: ir.FloatingValue,
                  lon2: ir.FloatingValue) -> ir.FloatingValue:
    rad = math.pi / 180.0
    dlat = (lat2 - lat1) * rad
    dlon = (lon2 - lon1) * rad
    a = (dlat / 2).sin() ** 2 + (lat1 * rad).cos() * (lat2 * rad).cos() * (dlon / 2).sin() ** 2
    return 2 * EARTH_RADIUS_KM * a.sqrt().asin()
