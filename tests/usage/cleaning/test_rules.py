"""The cleaning rules on generated traffic with known bots: each bot goes by its own rule, people
stay, every event comes out exactly once (clean or removed), and thresholds change outcomes."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import ibis
import pyarrow.parquet as pq
import pytest

from clearinghouse.api.app import create_app
from clearinghouse.core.settings import Settings
from clearinghouse.usage.cleaning import Cleaned, CleaningRules, Rule, clean_event_file
from tests.usage.cleaning.logs import stage_bytes
from tests.usage.cleaning.traffic import (
    ALL_DAY_DEVICE,
    BURST_BOT,
    CLICK_FARM,
    CST,
    DUPLICATING_CLIENT,
    HUMAN,
    LYING_PLAYER,
    ROTATING_IDS,
    TELEPORTER,
    Content,
    Traffic,
    row,
)

# People may lose at most this share of their events to the default rules (the generated people
# include a flight Beijing → Shanghai and a walk across the Hong Kong border).
FALSE_REMOVAL_BOUND = 0.001


def outcome_by_row(traffic: Traffic, cleaned: Cleaned) -> list[str | None]:
    removed = cleaned.removed.select("line_no", "rule").to_pyarrow().to_pylist()
    rule_of = {r["line_no"]: r["rule"] for r in removed}
    return [rule_of.get(traffic.line_no(i)) for i in range(len(traffic.rows))]


@pytest.fixture(scope="module")
def outcomes(traffic: Traffic, cleaned_traffic: Cleaned) -> list[str | None]:
    return outcome_by_row(traffic, cleaned_traffic)


@pytest.mark.parametrize("bot", [CLICK_FARM, BURST_BOT, ALL_DAY_DEVICE, TELEPORTER, ROTATING_IDS, LYING_PLAYER])
def test_each_bot_is_removed_whole_by_its_own_rule(traffic: Traffic, outcomes: list[str | None], bot: str):
    rules = Counter(outcome for actor, outcome in zip(traffic.actors, outcomes, strict=True) if actor == bot)
    assert rules == {Rule(bot).value: sum(rules.values())}


def test_a_duplicating_client_loses_its_copies_and_keeps_its_plays(traffic: Traffic, outcomes: list[str | None]):
    mine = [(copy, outcome) for actor, copy, outcome in zip(traffic.actors, traffic.copies, outcomes, strict=True)
            if actor == DUPLICATING_CLIENT]
    assert {outcome for copy, outcome in mine if copy} == {Rule.DUPLICATE.value}
    assert {outcome for copy, outcome in mine if not copy} == {None}


def test_people_survive(traffic: Traffic, outcomes: list[str | None]):
    human = [outcome for actor, outcome in zip(traffic.actors, outcomes, strict=True) if actor == HUMAN]
    removed = [o for o in human if o is not None]
    assert len(human) > 10_000
    assert len(removed) / len(human) <= FALSE_REMOVAL_BOUND, Counter(removed)


def test_every_event_comes_out_once_clean_or_removed(traffic_events: Path, cleaned_traffic: Cleaned):
    clean_lines = cleaned_traffic.clean.line_no.to_pyarrow().to_pylist()
    removed_lines = cleaned_traffic.removed.line_no.to_pyarrow().to_pylist()
    staged_lines = pq.read_table(traffic_events, columns=["line_no"]).column("line_no").to_pylist()
    assert len(clean_lines) + len(removed_lines) == len(staged_lines)
    assert sorted(clean_lines + removed_lines) == sorted(staged_lines)


def test_the_summary_counts_removed_traffic_per_platform_and_rule(traffic: Traffic, outcomes: list[str | None],
                                                                   cleaned_traffic: Cleaned):
    summary = {(r["channel"], r["rule"]): r for r in cleaned_traffic.summary().to_pylist()}
    expected = Counter((row["channel"], outcome) for row, outcome in zip(traffic.rows, outcomes, strict=True)
                       if outcome is not None)
    assert {key: row["events_removed"] for key, row in summary.items()} == dict(expected)
    farm = summary[("douyin", Rule.TOO_MANY_PLAYS.value)]
    douyin_plays = sum(1 for row in traffic.rows if row["channel"] == "douyin" and row["event_type"] == "play")
    assert farm["plays_total"] == douyin_plays
    assert farm["plays_removed"] == expected[("douyin", Rule.TOO_MANY_PLAYS.value)]  # the farm only plays
    assert farm["share_of_plays"] == pytest.approx(farm["plays_removed"] / douyin_plays)


def test_usage_lines_count_clean_plays_only(traffic: Traffic, outcomes: list[str | None], cleaned_traffic: Cleaned):
    lines = cleaned_traffic.usage_lines(report_id="rep_1", reporter_id="pty_dy", period="2026-10")
    clean_plays = sum(1 for row, outcome in zip(traffic.rows, outcomes, strict=True)
                      if outcome is None and row["event_type"] == "play")
    assert sum(lines.column("plays").to_pylist()) == clean_plays
    assert "dy_farm_song" not in lines.column("platform_content_id").to_pylist()


def _rules_of(traffic: Traffic, traffic_events: Path, rules: CleaningRules) -> Counter[tuple[str, str | None]]:
    cleaned = clean_event_file(ibis.duckdb.connect(), str(traffic_events), rules)
    return Counter(zip(traffic.actors, outcome_by_row(traffic, cleaned), strict=True))


def test_thresholds_change_outcomes(traffic: Traffic, traffic_events: Path):
    lenient = CleaningRules(max_plays_per_device_day=5000, max_watch_seconds_per_device_day=24 * 3600,
                            burst_plays=100, disabled=frozenset({Rule.MANY_IDS}))
    outcome = _rules_of(traffic, traffic_events, lenient)
    for bot in (CLICK_FARM, ALL_DAY_DEVICE, BURST_BOT, ROTATING_IDS):
        assert {rule for actor, rule in outcome if actor == bot} == {None}, bot
    assert {rule for actor, rule in outcome if actor == LYING_PLAYER} == {Rule.IMPOSSIBLE_WATCH.value}

    strict = CleaningRules(max_plays_per_device_day=60)  # below what keen people play
    outcome = _rules_of(traffic, traffic_events, strict)
    assert outcome[(HUMAN, Rule.TOO_MANY_PLAYS.value)] > 0


def test_an_event_several_rules_flag_counts_under_the_first(tmp_path: Path, duckdb: ibis.BaseBackend):
    """A burst of plays each claiming a negative watch: impossible_watch comes before burst."""
    log = Traffic()
    start = datetime(2026, 10, 7, 3, tzinfo=CST)
    for i in range(40):
        log.add(BURST_BOT, row("both", start + timedelta(seconds=i), "play", watch=-1 if i < 10 else 0,
                               content=Content("dy_x", 30)))
    _, events, _ = stage_bytes(log.csv_bytes(), tmp_path)
    removed = clean_event_file(duckdb, str(events)).removed.to_pyarrow()
    assert Counter(removed.column("rule").to_pylist()) == {"impossible_watch": 10, "burst": 30}


@pytest.mark.parametrize("change", [{"burst_plays": 0}, {"max_plays_per_device_day": -1},
                                    {"gap_slack_seconds": -1}, {"clone_min_ids": 1}])
def test_a_threshold_that_means_nothing_is_refused_when_the_rules_are_made(change: dict):
    with pytest.raises(ValueError, match=next(iter(change))):
        CleaningRules(**change)


def test_the_operators_configuration_becomes_the_rules_and_a_mistake_in_it_is_named() -> None:
    configured = Settings(usage_cleaning={"burst_plays": 20, "disabled": ["many_ids"]}).usage_cleaning
    rules = CleaningRules.from_config(configured)
    assert rules.burst_plays == 20 and not rules.enabled(Rule.MANY_IDS)
    assert rules.max_plays_per_device_day == CleaningRules().max_plays_per_device_day  # the rest: defaults
    for config, named in [({"bursts": 20}, "bursts"), ({"disabled": ["naps"]}, "disabled"),
                          ({"burst_plays": 0}, "burst_plays"), ({"burst_plays": "20"}, "burst_plays")]:
        with pytest.raises(ValueError, match=named):
            CleaningRules.from_config(Settings(usage_cleaning=config).usage_cleaning)
        with pytest.raises(ValueError, match=named):  # the server refuses to start with it
            create_app(Settings(usage_cleaning=config))
