"""The cleaning rules and their thresholds, in one frozen value (docs/usage-cleaning.md says why
each default is what it is). Pass a changed copy to `clean` to change what counts as a person:

    CleaningRules(max_plays_per_device_day=500, disabled=frozenset({Rule.MANY_IDS}))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class Rule(StrEnum):
    """In the order an event is attributed: one removed by several rules counts under the first."""

    DUPLICATE = "duplicate"  # the same event sent twice (every column equal but the line number)
    IMPOSSIBLE_WATCH = "impossible_watch"  # negative, over 24 h, over the content, or not fitting
    BURST = "burst"  # more plays in a short window than a person can start
    TOO_MANY_PLAYS = "too_many_plays"  # more plays in a day than a person can watch
    TOO_MUCH_WATCH = "too_much_watch"  # more watch time in a day than a person is awake
    MANY_IDS = "many_ids"  # one device (or script) under many ids: identical event sequences
    IMPLAUSIBLE_PLACE = "implausible_place"  # two places further apart than travel allows


RULE_ORDER: tuple[Rule, ...] = tuple(Rule)


@dataclass(frozen=True)
class CleaningRules:
    # impossible_watch
    max_watch_seconds: int = 24 * 3600  # one play longer than a day is a broken or lying player
    content_slack_seconds: int = 5  # players round and buffer: a little over the content's length
    gap_slack_seconds: int = 5  # and a little over the time to the device's next event
    # burst: more than `burst_plays` plays started within `burst_seconds`
    burst_plays: int = 30
    burst_seconds: int = 60
    # per device and day (the day as the platform wrote it)
    max_plays_per_device_day: int = 2000
    max_watch_seconds_per_device_day: int = 20 * 3600
    # many_ids: at least `clone_min_ids` ids with the same sequence of at least `clone_min_events`
    clone_min_events: int = 3
    clone_min_ids: int = 3
    # implausible_place: faster than `max_travel_kmh` between places more than `place_tolerance_km`
    # apart (centroids of countries and Chinese provinces, so near places are never compared)
    max_travel_kmh: int = 1000
    place_tolerance_km: int = 500
    disabled: frozenset[Rule] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in ("max_watch_seconds", "burst_plays", "burst_seconds", "max_plays_per_device_day",
                     "max_watch_seconds_per_device_day", "clone_min_events", "clone_min_ids",
                     "max_travel_kmh"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} should be at least 1, not {getattr(self, name)}")
        for name in ("content_slack_seconds", "gap_slack_seconds", "place_tolerance_km"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} should not be negative, not {getattr(self, name)}")
        if self.clone_min_ids < 2:
            raise ValueError("clone_min_ids should be at least 2 (one id is not many)")

    def enabled(self, rule: Rule) -> bool:
        return rule not in self.disabled

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CleaningRules:
        """The rules an operator configured (`Settings.usage_cleaning`, JSON): any field above by
        name, and `disabled` as a list of rule names; an unknown name or a bad value is refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown cleaning setting {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values = dict(config)
        if "disabled" in values:
            names = values["disabled"]
            if isinstance(names, str) or not isinstance(names, list | tuple | set | frozenset):
                raise ValueError("disabled should be a list of rule names")
            try:
                values["disabled"] = frozenset(Rule(name) for name in names)
            except ValueError:
                raise ValueError(f"disabled names a rule that does not exist; rules: "
                                 f"{', '.join(RULE_ORDER)}") from None
        for name, value in values.items():
            if name != "disabled" and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} should be a whole number, not {value!r}")
        return cls(**values)
