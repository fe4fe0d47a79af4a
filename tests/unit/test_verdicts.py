"""The rule for a license's state on the day a verifier asks about (certificates/verdicts.py)."""

from __future__ import annotations

from datetime import date

import pytest

from clearinghouse.licensing.certificates.verdicts import standing_on

TODAY = date(2026, 6, 15)
START, END = date(2026, 6, 1), date(2026, 7, 1)  # END is the first day after the period
PAID = [(date(2026, 5, 20), "pending_payment"), (date(2026, 5, 21), "active")]


@pytest.mark.parametrize(
    ("day", "status_now", "history", "expected"),
    [
        (TODAY, "active", PAID, "valid"),
        (date(2026, 5, 31), "active", PAID, "not_yet_valid"),  # paid, but before the first day
        (END, "active", PAID, "expired"),  # the first day after the period
        (date(2026, 6, 30), "active", PAID, "valid"),  # the last day still counts
        (date(2026, 5, 1), "active", PAID, "not_yet_valid"),  # before it was even bought
        (TODAY, "pending_payment", PAID[:1], "pending_payment"),
        (date(2027, 1, 1), "pending_payment", PAID[:1], "pending_payment"),
        # Suspended today: earlier days keep the state they had, later days the state now.
        (date(2026, 6, 10), "suspended", [*PAID, (TODAY, "suspended")], "valid"),
        (TODAY, "suspended", [*PAID, (TODAY, "suspended")], "suspended"),
        (date(2026, 6, 20), "suspended", [*PAID, (TODAY, "suspended")], "suspended"),
        # Revocation withdraws the license for every day.
        (date(2026, 6, 10), "revoked", [*PAID, (TODAY, "revoked")], "revoked"),
    ],
)
def test_standing_on(day: date, status_now: str, history: list, expected: str) -> None:
    assert standing_on(day, TODAY, status_now, START, END, history) == expected


def test_a_license_without_end_never_expires() -> None:
    assert standing_on(date(2199, 1, 1), TODAY, "active", START, None, PAID) == "valid"


def test_a_day_inside_the_period_of_a_license_since_swept_as_expired() -> None:
    later, swept = date(2026, 8, 1), [*PAID, (date(2026, 7, 2), "expired")]
    assert standing_on(date(2026, 6, 10), later, "expired", START, END, swept) == "valid"
    assert standing_on(later, later, "expired", START, END, swept) == "expired"
