"""API key tokens: what counts as well-formed, and the throttle's counting (no database)."""

from __future__ import annotations

import pytest

from clearinghouse.access.domain import issue_key, key_prefix, parse_token
from clearinghouse.access.throttle import FailedAuthThrottle, ThrottleLimits


def test_an_issued_key_parses_back_to_its_lookup_and_secret():
    issued = issue_key("key_1")
    lookup, secret = parse_token(issued.token)
    assert lookup == issued.lookup and issued.token == f"{key_prefix(lookup)}{secret}"


@pytest.mark.parametrize("token", [
    "", "chk", "chk__x", "chk_de0000000001_", "chk_de00000000_x", "chk_DE0000000001_x",
    "chk_de0000000001_a b", "chk_de0000000001_a\n", "key_de0000000001_x", "chk_de0000000001_" + "x" * 129,
    "chk_ｄe0000000001_x",
])
def test_malformed_tokens_are_refused_before_any_lookup(token):
    assert parse_token(token) is None


def test_demo_tokens_are_well_formed():
    assert parse_token("chk_de0000000001_demo-operator") == ("de0000000001", "demo-operator")


def test_the_throttle_counts_failures_per_client_and_per_prefix():
    throttle = FailedAuthThrottle(ThrottleLimits(per_client=3, per_key_prefix=2, window_seconds=60))
    assert throttle.retry_after("a", "p") == 0
    assert throttle.record_failure("a", None) is False
    assert throttle.record_failure("b", "p") is False
    assert throttle.record_failure("c", "p") is True  # the prefix's second failure: used up
    assert 0 < throttle.retry_after("d", "p") <= 60  # any client, that prefix
    assert throttle.retry_after("d", "q") == 0
    assert throttle.retry_after("a", None) == 0  # "a" has one failure of three
