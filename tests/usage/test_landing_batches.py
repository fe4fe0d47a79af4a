"""Screening a batch of Arrow rows refuses exactly what `ReporterScope.screen` refuses line by
line: another platform's channel, another licensee's licence, with the same reasons."""

from __future__ import annotations

import random
from datetime import date

import pytest

from clearinghouse.usage.domain import ReporterScope
from clearinghouse.usage.formats.aggregate_fast import lines_table
from clearinghouse.usage.landing_batches import screen
from clearinghouse.usage.records import Rejection, UsageKind, UsageLine

PLATFORMS = frozenset({"douyin", "kuaishou", "bilibili"})
SCOPES = {
    "operator": ReporterScope("pty_op", unrestricted=True, is_platform=False),
    "one platform": ReporterScope("pty_dy", False, True, frozenset({"douyin"}), PLATFORMS),
    "two platforms": ReporterScope("pty_two", False, True, frozenset({"douyin", "kuaishou"}), PLATFORMS),
    "licensee": ReporterScope("pty_me", unrestricted=False, is_platform=False),
}
LICENSEES = {"lic_mine": "pty_me", "lic_theirs": "pty_other"}


def _lines(rng: random.Random) -> list[UsageLine]:
    return [UsageLine(n, "2026-10", date(2026, 10, 1), rng.choice([None, "douyin", "kuaishou", "bilibili",
                                                                     "tv"]),
                      "CN", UsageKind.PLAYS, plays=n,
                      license_id=rng.choice([None, "lic_mine", "lic_theirs", "lic_unknown"]),
                      work_id="wrk_1")
            for n in range(1, 400)]


@pytest.mark.parametrize("name", list(SCOPES))
def test_a_batch_is_screened_as_each_line_would_be(name):
    scope, lines = SCOPES[name], _lines(random.Random(name))
    one_by_one = [scope.screen(line, LICENSEES) for line in lines]
    kept, refused = screen(scope, lines_table(lines), LICENSEES)
    assert kept.to_pylist() == lines_table([i for i in one_by_one if isinstance(i, UsageLine)]).to_pylist()
    assert refused == [i for i in one_by_one if isinstance(i, Rejection)]
    assert name == "operator" or refused  # every restricted scope refuses something here
