"""Consistent database copies: SQLite's online backup API, pg_dump / pg_restore for PostgreSQL.

Both give a snapshot that is consistent while the server keeps writing: SQLite copies every page
in one step under a read transaction (in WAL mode writers carry on), and pg_dump reads inside a
transaction snapshot that we export ourselves, so the manifest's revision and file list come from
exactly the state that is dumped.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, make_url
from sqlalchemy.exc import OperationalError

from clearinghouse.backup import repository
from clearinghouse.backup.domain import POSTGRESQL, SQLITE, ArchiveInvalid, BackupFailed
from clearinghouse.core.db import make_engine
from clearinghouse.core.migrate import alembic_config

PG_BINDIRS = "/usr/lib/postgresql/*/bin"
TOOL_SECONDS = 6 * 3600  # a dump of a large catalogue may take long; never forever


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in (SQLITE, POSTGRESQL):
        raise BackupFailed(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupFailed(f"{make_url(url)!r} is not a SQLite database file that can be backed up")
    return Path(name)


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    file_keys: set[str]


def _read_state(conn: Connection) -> Snapshot:
    return Snapshot(repository.schema_revision(conn), repository.referenced_file_keys(conn))


def snapshot_sqlite(url: str, dest: Path) -> Snapshot:
    """Copy the live database to `dest` with the online backup API, then read the copy."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupFailed(f"there is no database at {source_path}: nothing to back up")
    # mode=rw: never create an empty database where the real one was expected.
    source = sqlite3.connect(f"file:{quote(str(source_path.resolve()))}?mode=rw", uri=True,
                             timeout=30)
    with closing(source), closing(sqlite3.connect(dest)) as copy:
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    return read_sqlite(dest)


def read_sqlite(path: Path) -> Snapshot:
    engine = make_engine(f"sqlite:///{path}", immediate=False)
    try:
        with engine.connect() as conn:
            return _read_state(conn)
    finally:
        engine.dispose()


def check_sqlite(path: Path, revision: str | None) -> None:
    """A restored SQLite file is sound and at the revision its manifest says."""
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ArchiveInvalid(f"the archive's database is not a sound SQLite file: {exc}") from exc
    if result != [("ok",)]:
        raise ArchiveInvalid(f"the archive's database fails SQLite's integrity check: {result[:5]}")
    found = read_sqlite(path).revision
    if found != revision:
        raise ArchiveInvalid(f"the archive's database is at revision {found}, its manifest says {revision}")


def check_revision_known(revision: str | None) -> None:
    """Refuse an archive from a newer Clearinghouse: this version could not run its database."""
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        script.get_revision(revision)
    except CommandError:
        raise ArchiveInvalid(
            f"the archive's database is at schema revision {revision!r}, which this version of "
            f"Clearinghouse does not know (it knows up to {script.get_current_head()}): restore it "
            "with the version that made it, or a newer one"
        ) from None


# -- PostgreSQL --------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"{PG_BINDIRS}/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.parent.name.split(".")],
    )
    if candidates:
        return candidates[-1]
    raise BackupFailed(
        f"{name} was not found on PATH or in {PG_BINDIRS}: install the PostgreSQL client tools "
        "of your server's major version (Debian: apt-get install postgresql-client-15)"
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it (so it never
    shows in the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], url: str) -> None:
    conninfo, env = libpq_target(url)
    command = [pg_tool(tool), *args, f"--dbname={conninfo}"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TOOL_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupFailed(f"{tool} could not run: {exc}") from exc
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BackupFailed(f"{tool} failed: {' / '.join(message[-5:]) or f'exit {done.returncode}'}")


@contextmanager
def postgres_snapshot(url: str) -> Iterator[tuple[str, Snapshot]]:
    """An exported snapshot (its name, and what it holds) kept open while the caller dumps it."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                name = repository.export_snapshot(conn)
                yield name, _read_state(conn)
    except OperationalError as exc:
        raise BackupFailed(f"cannot read the PostgreSQL database: {exc.orig}") from exc
    finally:
        engine.dispose()


def dump_postgres(url: str, snapshot: str, dest: Path) -> None:
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--file={dest}"], url)


def postgres_tables(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return repository.table_names(conn)
    except OperationalError as exc:
        raise BackupFailed(
            f"cannot open the target PostgreSQL database (create it first, empty): {exc.orig}"
        ) from exc
    finally:
        engine.dispose()


def restore_postgres(url: str, dump: Path, *, replace: bool) -> None:
    """One transaction: the database gets all of the dump or none of it."""
    args = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if replace:
        args += ["--clean", "--if-exists"]
    _run("pg_restore", [*args, str(dump)], url)
