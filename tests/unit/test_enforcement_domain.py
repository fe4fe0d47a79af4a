"""Enforcement's pure rules: which policy applies, which dispute step is allowed from where, who
wins, where a monetised upload's earnings go, and whether a licence's portion allows a match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse.core.errors import Conflict
from clearinghouse.enforcement.domain import (
    WINNER,
    ClaimStatus,
    DisputeStatus,
    Policy,
    PolicyRule,
    Side,
    Step,
    earnings_destination,
    lapse_due,
    next_dispute_status,
    policy_for,
    portion_fits,
)

RULES = [PolicyRule(None, None, Policy.WARN), PolicyRule("wrk_a", None, Policy.OFFER),
         PolicyRule("wrk_a", "HK", Policy.BLOCK), PolicyRule(None, "US", Policy.MONETISE)]


@pytest.mark.parametrize(("work", "territory", "expected"), [
    ("wrk_a", "HK", Policy.BLOCK),  # the work in that territory
    ("wrk_a", "CN", Policy.OFFER),  # the work everywhere
    ("wrk_a", "US", Policy.OFFER),  # a work rule beats an owner-wide territory rule
    ("wrk_b", "US", Policy.MONETISE),  # the owner's default in that territory
    ("wrk_b", "CN", Policy.WARN),  # the owner's default
])
def test_the_most_specific_policy_applies(work: str, territory: str, expected: Policy) -> None:
    assert policy_for(RULES, work, territory) is expected


def test_nothing_set_means_track() -> None:
    assert policy_for([], "wrk_a", "CN") is Policy.TRACK


def test_dispute_steps_and_who_wins() -> None:
    s = DisputeStatus
    assert next_dispute_status(s.AWAITING_OWNER, Step.RELEASE) is s.RELEASED
    assert next_dispute_status(s.AWAITING_OWNER, Step.LAPSE) is s.LAPSED
    assert next_dispute_status(s.UPHELD, Step.LAPSE) is s.ACCEPTED
    assert next_dispute_status(s.ESCALATED, Step.DECIDE_FOR_OWNER) is s.DECIDED_FOR_OWNER
    with pytest.raises(Conflict):
        next_dispute_status(s.AWAITING_OWNER, Step.DECIDE_FOR_OWNER)  # not escalated: no referee
    with pytest.raises(Conflict):
        next_dispute_status(s.RELEASED, Step.UPHOLD)  # decided once
    with pytest.raises(Conflict):
        next_dispute_status(s.ESCALATED, Step.LAPSE)  # the operator has no deadline
    assert {WINNER[x] for x in (s.RELEASED, s.LAPSED, s.DECIDED_FOR_UPLOADER)} == {Side.UPLOADER}
    assert {WINNER[x] for x in (s.ACCEPTED, s.DECIDED_FOR_OWNER)} == {Side.OWNER}


def test_a_deadline_lapses_only_a_side_that_is_waited_on() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert lapse_due(DisputeStatus.AWAITING_OWNER, now, now)
    assert not lapse_due(DisputeStatus.AWAITING_OWNER, now + timedelta(seconds=1), now)
    assert not lapse_due(DisputeStatus.ESCALATED, now - timedelta(days=99), now)


def test_earnings_go_to_the_owner_to_escrow_while_disputed_and_then_to_the_winner() -> None:
    assert earnings_destination(ClaimStatus.OPEN, None) == "owner"
    assert earnings_destination(ClaimStatus.OPEN, DisputeStatus.AWAITING_OWNER) == "escrow"
    assert earnings_destination(ClaimStatus.UPHELD, DisputeStatus.UPHELD) == "escrow"
    assert earnings_destination(ClaimStatus.UPHELD, DisputeStatus.DECIDED_FOR_OWNER) == "owner"
    assert earnings_destination(ClaimStatus.RELEASED, DisputeStatus.RELEASED) == "uploader"


def test_a_portion_in_seconds_bounds_the_match_and_others_do_not() -> None:
    thirty = {"unit": "seconds", "value": 30}
    assert portion_fits(30.9, thirty) and not portion_fits(31.0, thirty)
    assert portion_fits(600.0, {"unit": "whole", "value": None})
    assert portion_fits(600.0, {"unit": "percent", "value": 10})
