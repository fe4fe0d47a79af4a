"""Failed authentication and API-key use: tallied in memory, written to the database in batches.

A request only counts (a dict update under a lock). A writer (api/auth_writer.py) drains the tally
every few seconds and writes it in one short transaction of its own, so neither a flood of bad
keys nor ordinary traffic makes a database write per request. A batch holds at most MAX_TALLIES
audit rows, one per (client address, key prefix), plus one row that sums up the rest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import key_prefix
from clearinghouse.core.audit import record
from clearinghouse.registry import repository

MAX_TALLIES = 100
FAILED = "auth.failed"


@dataclass
class FailureTally:
    """Failed attempts from one client address at one key prefix (None: no well-formed key)."""

    client: str
    lookup: str | None
    first_at: datetime
    last_at: datetime
    refused: int = 0  # answered 401: the key was checked and is wrong, revoked or malformed
    throttled: int = 0  # answered 429: refused without checking the key
    limit_reached: bool = False

    def audit_after(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "key_prefix": key_prefix(self.lookup) if self.lookup else None,
            "refused": self.refused,
            "throttled": self.throttled,
            "limit_reached": self.limit_reached,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
        }


@dataclass
class AuthEvents:
    tallies: list[FailureTally] = field(default_factory=list)
    untallied: int = 0  # failures from sources beyond the first MAX_TALLIES of the batch
    key_uses: dict[str, datetime] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.tallies or self.untallied or self.key_uses)


class AuthEventBuffer:
    """Thread-safe: requests run on a thread pool."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tallies: dict[tuple[str, str | None], FailureTally] = {}
        self._untallied = 0
        self._key_uses: dict[str, datetime] = {}

    def failure(self, client: str, lookup: str | None, at: datetime, *, throttled: bool = False,
                limit_reached: bool = False) -> None:
        with self._lock:
            tally = self._tallies.get((client, lookup))
            if tally is None:
                if len(self._tallies) >= MAX_TALLIES:
                    self._untallied += 1
                    return
                tally = self._tallies[(client, lookup)] = FailureTally(client, lookup, at, at)
            tally.last_at = at
            tally.throttled += throttled
            tally.refused += not throttled
            tally.limit_reached = tally.limit_reached or limit_reached

    def key_used(self, key_id: str, at: datetime) -> None:
        with self._lock:
            self._key_uses[key_id] = at

    def drain(self) -> AuthEvents:
        with self._lock:
            events = AuthEvents(list(self._tallies.values()), self._untallied, self._key_uses)
            self._tallies, self._untallied, self._key_uses = {}, 0, {}
        return events


def write(session: Session, events: AuthEvents) -> None:
    """Audit the failures and move keys' `last_used_at` forward. Flushes; the caller commits."""
    known = repository.key_ids_by_lookup(session, [t.lookup for t in events.tallies if t.lookup])
    for tally in events.tallies:
        key_id = known.get(tally.lookup) if tally.lookup else None
        if key_id is not None:  # someone tried a real key's prefix: file it under that key
            record(session, None, FAILED, "api_key", key_id, None, tally.audit_after())
        else:
            prefix = key_prefix(tally.lookup) if tally.lookup else "-"
            record(session, None, FAILED, "auth", prefix, None, tally.audit_after())
    if events.untallied:
        record(session, None, FAILED, "auth", "*", None,
               {"refused_or_throttled": events.untallied,
                "note": f"from sources beyond the first {MAX_TALLIES} of this batch"})
    repository.set_keys_last_used(session, events.key_uses)
    session.flush()
