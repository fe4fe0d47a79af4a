"""Account rules without a database: emails, passwords, session tokens and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clearinghouse.accounts import domain


def test_emails_are_compared_in_lower_case_and_must_look_like_addresses():
    assert domain.normalise_email("  Mei@Example.COM ") == "mei@example.com"
    for bad in ("", "mei", "mei@", "@example.com", "mei@example", "a b@example.com"):
        with pytest.raises(domain.AccountRefused) as refused:
            domain.normalise_email(bad)
        assert refused.value.field == "email"


def test_a_new_password_has_a_minimum_and_a_maximum_length():
    domain.check_new_password("x" * domain.PASSWORD_MIN_CHARS)
    for bad in ("x" * (domain.PASSWORD_MIN_CHARS - 1), "x" * (domain.PASSWORD_MAX_CHARS + 1)):
        with pytest.raises(domain.AccountRefused):
            domain.check_new_password(bad)


def test_a_session_stores_only_the_hash_of_its_token_and_ends_after_its_lifetime():
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    session = domain.new_session(now)
    assert session.token_hash == domain.token_hash(session.token) != session.token
    assert session.csrf_token != session.token
    assert domain.is_live(session.expires_at, now + domain.SESSION_LIFETIME - timedelta(seconds=1))
    assert not domain.is_live(session.expires_at, now + domain.SESSION_LIFETIME)
    assert domain.new_session(now).token != session.token


def test_an_invitation_is_open_until_used_or_expired():
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    until = now + domain.INVITATION_LIFETIME
    assert domain.invitation_state(until, None, now) == "open"
    assert domain.invitation_state(until, None, until) == "expired"  # the last instant is past
    assert domain.invitation_state(until, now, now) == "used"  # used beats open, once and for all
def test_a_lockout_lasts_until_enough_failures_have_left_the_moving_window():
    from datetime import UTC, datetime, timedelta

    from clearinghouse.accounts.domain import lockout_seconds

    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    failures = [now - timedelta(minutes=m) for m in (10, 8, 6, 4, 2)]
    assert lockout_seconds(failures[1:], limit=5, now=now, window_seconds=900) == 0
    # the oldest (10 min ago) leaves the 15-minute window in 5 minutes
    assert lockout_seconds(failures, limit=5, now=now, window_seconds=900) == 300
    # more failures than the limit (two workers at once): wait until all but limit - 1 are gone
    six = [now - timedelta(minutes=12), *failures]
    assert lockout_seconds(six, limit=5, now=now, window_seconds=900) == 300
    assert lockout_seconds([now - timedelta(minutes=20)] * 9, limit=5, now=now, window_seconds=900) == 0
