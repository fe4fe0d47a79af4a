"""Moving an installation from SQLite to PostgreSQL: what counts as an empty target, and what a
finished copy must show. Pure: no I/O.

The copy reads every table of the SQLite database and writes it into a PostgreSQL database
migrated to the same schema revision. It is checked afterwards: the same rows in every table,
the same balance on every ledger account, and a stored certificate that still verifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clearinghouse.backup.domain import BackupFailed, TargetNotEmpty
from clearinghouse.core.errors import ValidationFailed

# Reference data the migrations themselves insert into a new database. The copy replaces these
# rows with the source's (which may have been edited since), so a freshly migrated target that
# holds only these is still empty.
SEEDED_BY_MIGRATIONS = frozenset({
    "work_types", "license_templates", "exchange_rates", "fee_schedules", "platforms",
    "platform_aliases",
    "license_grant_changes",  # 0010 logs "reload everything" for in-memory grant copies
})
# Rebuilt on the target from the copied registry rather than copied: PostgreSQL keeps its own
# search columns (tsvector) that SQLite does not have.
REBUILT_NOT_COPIED = frozenset({"search_documents"})
DEFAULT_BATCH_ROWS = 1000


class NotASqliteSource(ValidationFailed):
    """The configured database is not one this command moves."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="database_url")


class TransferFailed(BackupFailed):
    """The copy was made but does not match its source."""


def unmigrated_source(revision: str | None, head: str) -> NotASqliteSource | None:
    if revision == head:
        return None
    return NotASqliteSource(
        f"the SQLite database is at schema revision {revision!r}, this version of Clearinghouse "
        f"at {head!r}: upgrade it first (`clearinghouse init`, which keeps its data), then copy"
    )


def refuse_target(revision: str | None, head: str, rows: Mapping[str, int]) -> TargetNotEmpty | None:
    """None when the target may take the copy: no tables at all, or our schema at `head` holding
    nothing but the migrations' reference data (what a copy that stopped half-way leaves)."""
    if revision != head:
        return TargetNotEmpty(
            f"the PostgreSQL database already holds tables (schema revision {revision!r}): copy "
            "into a new, empty database (createdb), never over an existing one"
        )
    holding = sorted(name for name, count in rows.items() if count and name not in SEEDED_BY_MIGRATIONS)
    if holding:
        return TargetNotEmpty(
            f"the PostgreSQL database is not empty ({', '.join(holding[:5])}"
            f"{' …' if len(holding) > 5 else ''} hold rows): copy into a new, empty database; "
            "nothing was changed"
        )
    return None


def count_mismatches(source: Mapping[str, int], target: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (source.get(name, 0), target.get(name, 0))
            for name in sorted(set(source) | set(target)) if source.get(name, 0) != target.get(name, 0)}


@dataclass(frozen=True)
class TransferReport:
    source_revision: str
    rows: dict[str, int]  # per table, as copied (and counted again on the target)
    search_documents: int
    ledger_accounts_checked: int
    certificate_checked: str | None  # the licence whose stored certificate was verified
    sequences_reset: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "schema_revision": self.source_revision,
            "tables": len(self.rows),
            "rows": sum(self.rows.values()),
            "rows_by_table": dict(self.rows),
            "search_documents": self.search_documents,
            "sequences_reset": len(self.sequences_reset),
            "ledger_balances_identical": self.ledger_accounts_checked,
            "certificate_verified": self.certificate_checked,
            "seconds": round(self.seconds, 2),
        }
