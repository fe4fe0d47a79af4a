"""Restore a backup archive into a data directory (and, for PostgreSQL, an empty database).

The order keeps a failed restore from leaving anything half-done:
1. read the whole archive and check every checksum (nothing is written yet);
2. check the targets are empty (or `force`);
3. extract into a new folder beside the data directory, checking every member again;
4. SQLite: check the restored file; PostgreSQL: pg_restore in one transaction;
5. rename the new folder into place (an old, non-empty one is kept beside it, renamed).
A failure in 3 or 4 removes the new folder and any file it wrote to an outside file store.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy import make_url

from clearinghouse.backup import archive as archives
from clearinghouse.backup import database
from clearinghouse.backup.domain import (
    DATABASE_MEMBERS,
    FILES,
    KEYS,
    LINK_SECRET,
    POSTGRESQL,
    SECRETS,
    SQLITE,
    BackupFailed,
    Manifest,
    TargetNotEmpty,
)
from clearinghouse.backup.service import check_archive, summary
from clearinghouse.backup.stores import StoredFiles
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.settings import Settings

SQLITE_FILE = "clearinghouse.sqlite3"  # where Settings puts the embedded database
DUMP_FILE = ".restore.pgdump"  # staged beside the data, removed once loaded


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    data_dir: Path
    database: str  # the URL, password hidden
    replaced: Path | None  # where the previous, non-empty data directory was moved

    def summary(self) -> dict[str, Any]:
        return summary(self.manifest) | {
            "data_dir": str(self.data_dir),
            "database_url": self.database,
            "previous_data_dir": str(self.replaced) if self.replaced else None,
        }


@dataclass
class _Plan:
    kind: str
    data_dir: Path
    database_url: str | None  # PostgreSQL target; None for SQLite (it lives in the data dir)
    store: StoredFiles
    store_folder: Path | None  # the store's folder inside the data dir, when it is there
    outside_written: list[str] = field(default_factory=list)


def _plan(manifest: Manifest, settings: Settings) -> _Plan:
    data_dir = settings.data_dir.absolute()
    store = StoredFiles(settings.files_url)
    kind = manifest.database_kind
    if kind == SQLITE:
        default = (data_dir / SQLITE_FILE).resolve()
        url = settings.database_url
        if url and (not url.startswith("sqlite") or database.sqlite_path(url).resolve() != default):
            raise ValidationFailed(
                "the archive holds a SQLite database, which is restored to "
                f"{default}; unset CLEARINGHOUSE_DATABASE_URL (or point it there) to restore it",
                field="database_url",
            )
        return _Plan(kind, data_dir, None, store, store.folder_within(data_dir))
    url = settings.database_url
    if not url or database.database_kind(url) != POSTGRESQL:
        raise ValidationFailed(
            "the archive holds a PostgreSQL dump: name an empty PostgreSQL database to restore it "
            "into with --database-url (or CLEARINGHOUSE_DATABASE_URL)",
            field="database_url",
        )
    return _Plan(kind, data_dir, url, store, store.folder_within(data_dir))


def _check_targets(plan: _Plan, force: bool) -> None:
    if force:
        return
    if plan.data_dir.exists() and any(plan.data_dir.iterdir()):
        raise TargetNotEmpty(
            f"the data directory {plan.data_dir} is not empty; restore into a new directory "
            "(--data-dir), or pass --force to replace it (the old one is kept beside it)",
            field="data_dir",
        )
    if plan.database_url is not None:
        tables = database.postgres_tables(plan.database_url)
        if tables:
            raise TargetNotEmpty(
                f"the target database already has {len(tables)} table(s) (e.g. {tables[0]}); "
                "restore into an empty database, or pass --force to replace its contents",
                field="database_url",
            )
    if plan.store_folder is None and plan.store.file_keys():
        raise TargetNotEmpty(
            f"the file store {plan.store.url} already holds files; restore into an empty store, "
            "or pass --force to add the archive's files to it",
            field="file_store_url",
        )


def _private_file(path: Path) -> BinaryIO:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: a member can never land on a file (or a link) that is already there.
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _opener(plan: _Plan, staging: Path) -> Callable[[str], AbstractContextManager[IO[bytes]]]:
    db_member = DATABASE_MEMBERS[plan.kind]

    @contextmanager
    def open_target(path: str) -> Iterator[IO[bytes]]:
        if path == db_member:
            target = staging / (SQLITE_FILE if plan.kind == SQLITE else DUMP_FILE)
        elif path.startswith(KEYS):
            target = staging / "keys" / path[len(KEYS):]
        elif path == SECRETS + LINK_SECRET:
            target = staging / LINK_SECRET
        elif path.startswith(FILES) and plan.store_folder is not None:
            target = staging / plan.store_folder / path[len(FILES):]
        elif path.startswith(FILES):
            key = path[len(FILES):]
            existed = plan.store.exists(key)
            with plan.store.open_write(key) as out:
                if not existed:
                    plan.outside_written.append(key)
                yield out
            return
        else:  # check_member_path admits nothing else; refuse rather than guess
            raise ValidationFailed(f"no place to restore {path!r}", field="archive")
        with _private_file(target) as out:
            yield out

    return open_target


def _swap(staging: Path, data_dir: Path) -> Path | None:
    """Put the restored folder in place; a non-empty old one is kept, renamed, beside it."""
    replaced = None
    if data_dir.exists():
        if any(data_dir.iterdir()):
            # An empty folder with a name no one else has; the old one takes its place.
            replaced = Path(tempfile.mkdtemp(prefix=f"{data_dir.name}.replaced-{utcnow():%Y%m%dT%H%M%S}-",
                                             dir=data_dir.parent))
            os.rename(data_dir, replaced)
        else:
            data_dir.rmdir()
    try:
        os.rename(staging, data_dir)
    except OSError:
        if replaced is not None:
            os.rename(replaced, data_dir)
        raise
    return replaced


def restore_backup(archive: Path, settings: Settings, *, force: bool = False) -> RestoreReport:
    """Restore `archive` into the data directory (and database) that `settings` name."""
    manifest = check_archive(archive)
    plan = _plan(manifest, settings)
    _check_targets(plan, force)
    plan.data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{plan.data_dir.name}.restore-", dir=plan.data_dir.parent))
    try:
        archives.extract(archive, manifest, _opener(plan, staging))
        if plan.kind == SQLITE:
            database.check_sqlite(staging / SQLITE_FILE, manifest.alembic_revision)
        else:
            assert plan.database_url is not None
            database.restore_postgres(plan.database_url, staging / DUMP_FILE, replace=force)
            (staging / DUMP_FILE).unlink()
        if plan.store_folder is not None:
            (staging / plan.store_folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        replaced = _swap(staging, plan.data_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        for key in plan.outside_written:
            plan.store.delete(key)
        if isinstance(exc, OSError):  # a full disk, a permission: say so plainly
            raise BackupFailed(f"the restore failed and was undone: {exc}") from exc
        raise
    shown = plan.database_url or f"sqlite:///{plan.data_dir / SQLITE_FILE}"
    return RestoreReport(manifest, plan.data_dir, make_url(shown).render_as_string(), replaced)
