"""Closed periods: the royalties feature closes a period, and usage (below it) must then refuse
new reports for it. Usage asks here; royalties registers the check in `clearinghouse.wiring`,
so neither package imports the other's way round."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

# Raises (a Conflict naming the period) when `period` is closed.
PeriodCheck = Callable[[Session, str], None]

_checks: list[PeriodCheck] = []


def register(check: PeriodCheck) -> None:
    """Add a check once (wiring runs per app and per command)."""
    if check not in _checks:
        _checks.append(check)


def refuse_if_closed(session: Session, period: str) -> None:
    for check in _checks:
        check(session, period)
