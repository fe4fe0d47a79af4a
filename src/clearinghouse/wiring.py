"""Wires features to the core change hook: the one place that says who listens to what.

The app, the CLI and the test suite all call `wire()` before they touch the database. A feature
that keeps data derived from the registry subscribes here, so no write path can forget it (an
announced change with no listener raises, see core/changes.py).
"""

from __future__ import annotations

from clearinghouse.core import changes, period_locks
from clearinghouse.licensing.catalogue.clearable import CLEARABLE_WORKS
from clearinghouse.royalties.periods import refuse_if_closed
from clearinghouse.search.indexer import SEARCH_INDEX


def wire() -> None:
    """Subscribe every listener; calling it again changes nothing."""
    changes.subscribe(SEARCH_INDEX)
    changes.subscribe(CLEARABLE_WORKS)  # search by intended use
    period_locks.register(refuse_if_closed)  # no usage lands in a closed royalty period
