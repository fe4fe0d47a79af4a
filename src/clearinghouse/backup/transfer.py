"""Move an installation's database from SQLite to PostgreSQL (`clearinghouse db copy-to`).

1. Snapshot the SQLite database with its online backup API into a scratch file: the source is
   only ever read, and the copy is consistent even if a server is still writing.
2. Check the target: a new database (no tables), or one a stopped copy left (our schema, nothing
   but the migrations' reference data). Anything else is refused and left as it is.
3. Migrate the target to the source's schema revision (committed on its own: harmless to repeat).
4. In ONE PostgreSQL transaction: replace the reference data, copy every table in dependency
   order in batches (ids, JSON, integer money and UTC timestamps as they are), start the
   sequences after the copied ids, rebuild the search index. A failure anywhere rolls all of it
   back, so the copy can simply be run again.
5. Verify from fresh connections: the same row count in every table, the same balance on every
   ledger account, and the newest stored certificate identical and genuine under our keys.

Signing keys, secrets and stored files stay in the data directory; they do not move.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from clearinghouse.backup import database as databases
from clearinghouse.backup import transfer_repository as tables
from clearinghouse.backup.domain import POSTGRESQL, SQLITE
from clearinghouse.backup.transfer_domain import (
    DEFAULT_BATCH_ROWS,
    REBUILT_NOT_COPIED,
    SEEDED_BY_MIGRATIONS,
    NotASqliteSource,
    TransferFailed,
    TransferReport,
    count_mismatches,
    refuse_target,
    unmigrated_source,
)
from clearinghouse.core.db import make_engine
from clearinghouse.core.migrate import alembic_config, upgrade
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.certificates import Keyring, KeyringError, verify_signature
from clearinghouse.search import indexer

# Called after each table is copied (name, rows): the CLI shows progress with it.
TableCopied = Callable[[str, int], None]


def postgres_url(url: str) -> str:
    """The target URL with the driver we ship (psycopg 3) when none is named."""
    parsed = make_url(url)
    if parsed.get_backend_name() != POSTGRESQL:
        raise NotASqliteSource(f"the target must be a PostgreSQL database URL, not {parsed.get_backend_name()}")
    if parsed.drivername == POSTGRESQL:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def copy_to_postgres(settings: Settings, target_url: str, *, batch_rows: int = DEFAULT_BATCH_ROWS,
                     on_table: TableCopied | None = None) -> TransferReport:
    started = time.perf_counter()
    source_url = settings.resolved_database_url
    if databases.database_kind(source_url) != SQLITE:
        raise NotASqliteSource("the configured database is not SQLite: there is nothing to move")
    target_url = postgres_url(target_url)
    head = ScriptDirectory.from_config(alembic_config(source_url)).get_current_head()
    with tempfile.TemporaryDirectory(prefix="ch-copy-") as scratch:
        snapshot_path = Path(scratch) / "source.sqlite3"
        snapshot = databases.snapshot_sqlite(source_url, snapshot_path)
        refusal = unmigrated_source(snapshot.revision, head)
        if refusal:
            raise refusal
        source = make_engine(f"sqlite:///{snapshot_path}", immediate=False)
        target = make_engine(target_url)
        try:
            keyring = _keyring_if_needed(source, settings)  # before anything is written
            _prepare_target(target, head)
            copied, search_docs, sequences = _copy(source, target, batch_rows, on_table)
            checked_accounts, certificate = _verify(source, target, keyring)
        except DBAPIError as exc:
            raise TransferFailed(
                f"the copy stopped and was rolled back ({type(exc.orig).__name__}: {exc.orig}); the "
                "SQLite database is unchanged and the target holds no data: fix the cause and run "
                "the same command again"
            ) from exc
        finally:
            source.dispose()
            target.dispose()
    return TransferReport(str(snapshot.revision), copied, search_docs, checked_accounts, certificate,
                          sequences, time.perf_counter() - started)


def _keyring_if_needed(source: Engine, settings: Settings) -> Keyring | None:
    """The keys that signed the stored certificates: the copy is checked with one of them."""
    with source.connect() as conn:
        if tables.latest_certificate(conn) is None:
            return None
    try:
        return Keyring.open(settings.keys_dir, create=False)
    except KeyringError as exc:
        raise TransferFailed(
            f"the database holds signed certificates but this data directory has no signing keys "
            f"({exc}): run the copy with the installation's own CLEARINGHOUSE_DATA_DIR"
        ) from exc


def _prepare_target(target: Engine, head: str) -> None:
    with target.connect() as conn:
        present = tables.table_names(conn)
        if present:
            rows = tables.row_counts(conn, [t for t in tables.application_tables() if t.name in present])
            refusal = refuse_target(databases.repository.schema_revision(conn), head, rows)
            if refusal:
                raise refusal
    upgrade(target)


def _copy(source: Engine, target: Engine, batch_rows: int,
          on_table: TableCopied | None) -> tuple[dict[str, int], int, list[str]]:
    ordered = [t for t in tables.application_tables() if t.name not in REBUILT_NOT_COPIED]
    copied: dict[str, int] = {}
    with source.connect() as reader, target.connect() as writer, writer.begin():
        # The migrations' reference rows give way to the source's own (children first).
        for table in reversed(ordered):
            if table.name in SEEDED_BY_MIGRATIONS:
                tables.delete_all(writer, table)
        for table in ordered:
            count = 0
            for batch in tables.read_batches(reader, table, batch_rows):
                tables.insert_rows(writer, table, batch)
                count += len(batch)
            copied[table.name] = count
            if on_table:
                on_table(table.name, count)
        sequences = tables.reset_sequences(writer, tables.application_tables())
        search_docs = _rebuild_search(writer)
    return copied, search_docs, sequences


def _rebuild_search(writer: Connection) -> int:
    session = Session(bind=writer)  # joins the copy's transaction; the copy commits it
    try:
        stats = indexer.rebuild(session)
        session.flush()
    finally:
        session.close()
    return stats.documents


def _verify(source: Engine, target: Engine, keyring: Keyring | None) -> tuple[int, str | None]:
    """Read both databases again, from new connections, after the copy committed."""
    copied = [t for t in tables.application_tables() if t.name not in REBUILT_NOT_COPIED]
    with source.connect() as old, target.connect() as new:
        mismatched = count_mismatches(tables.row_counts(old, copied), tables.row_counts(new, copied))
        if mismatched:
            raise _unsound(f"row counts differ (table: source, target): {mismatched}")
        balances = tables.ledger_sums(old)
        if tables.ledger_sums(new) != balances:
            raise _unsound("ledger balances differ")
        newest = tables.latest_certificate(old)
        if newest is None or keyring is None:
            return len(balances), None
        license_id, document = newest
        copy = tables.certificate_of(new, license_id)
    if copy != document:
        raise _unsound(f"the certificate of licence {license_id} changed")
    check = verify_signature(copy, keyring)
    if not check.valid:
        raise _unsound(f"the certificate of licence {license_id} does not verify ({check.reason})")
    return len(balances), license_id


def _unsound(what: str) -> TransferFailed:
    return TransferFailed(
        f"the copy was written but does not match the SQLite database: {what}. Do not use it: "
        "drop the PostgreSQL database, create it empty and copy again (the SQLite database is "
        "unchanged and still in use)"
    )
