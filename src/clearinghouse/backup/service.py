"""Make a backup archive of a running clearinghouse, or check one without restoring it.

What goes in: a consistent copy of the database, the signing keys, the download-link secret and
every stored file. The database is copied first and the files after it; a file is never
rewritten in place (keys are content hashes), so every file the copy refers to is still there
unless it was replaced in the moment between. Any such file is named in the manifest's
`missing_files` rather than silently left out.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearinghouse import __version__
from clearinghouse.backup import archive as archives
from clearinghouse.backup import database
from clearinghouse.backup.domain import (
    DATABASE_MEMBERS,
    FILES,
    KEYS,
    POSTGRESQL,
    SECRETS,
    ArchiveInvalid,
    BackupFailed,
    Manifest,
)
from clearinghouse.backup.stores import StoredFiles, link_secret_file, signing_key_files
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import NotFound
from clearinghouse.core.settings import Settings


@dataclass(frozen=True)
class BackupReport:
    archive: Path
    size: int
    manifest: Manifest

    def summary(self) -> dict[str, Any]:
        return summary(self.manifest) | {"archive": str(self.archive), "archive_bytes": self.size}


def summary(manifest: Manifest) -> dict[str, Any]:
    files = manifest.under(FILES)
    return {
        "created_at": manifest.created_at,
        "app_version": manifest.app_version,
        "database": manifest.database_kind,
        "schema_revision": manifest.alembic_revision,
        "signing_keys": sum(1 for m in manifest.under(KEYS) if m.path.endswith(".pem")),
        "stored_files": len(files),
        "stored_bytes": sum(m.size for m in files),
        "missing_files": list(manifest.missing_files),
    }


def create_backup(settings: Settings, archive: Path, *, overwrite: bool = False) -> BackupReport:
    """Write `archive` (mode 0600) from the database, keys and files `settings` name."""
    try:
        return _create_backup(settings, archive, overwrite)
    except OSError as exc:  # a full disk, a permission: say so plainly (nothing was left behind)
        raise BackupFailed(f"the backup failed: {exc}") from exc


def _create_backup(settings: Settings, archive: Path, overwrite: bool) -> BackupReport:
    url = settings.resolved_database_url
    kind = database.database_kind(url)
    if kind == POSTGRESQL:
        database.pg_tool("pg_dump")  # fail before anything is written when the tool is missing
    store = StoredFiles(settings.files_url)
    archive = archive.absolute()
    with archives.ArchiveWriter(archive, overwrite=overwrite) as writer, tempfile.TemporaryDirectory(
        prefix=".clearinghouse-backup-", dir=archive.parent
    ) as work:
        copy = Path(work) / "database"
        if kind == POSTGRESQL:
            with database.postgres_snapshot(url) as (name, state):
                database.dump_postgres(url, name, copy)
        else:
            state = database.snapshot_sqlite(url, copy)
        writer.add_file(DATABASE_MEMBERS[kind], copy)
        copy.unlink()  # the archive has it now; do not keep a second copy of the data on disk
        for key_file in signing_key_files(settings.keys_dir):
            writer.add_file(KEYS + key_file.name, key_file)
        secret = link_secret_file(settings.data_dir)
        if secret is not None:
            writer.add_file(SECRETS + secret.name, secret)
        stored = set()
        for key, size in store.iter_with_sizes():
            with store.open_read(key) as f:
                writer.add_stream(FILES + key, f, size)
            stored.add(key)
        manifest = Manifest(
            created_at=utcnow().isoformat(timespec="seconds"),
            app_version=__version__,
            database_kind=kind,
            alembic_revision=state.revision,
            members=tuple(writer.members),
            missing_files=tuple(sorted(state.file_keys - stored)),
        )
        size = writer.finish(manifest)
    return BackupReport(archive, size, manifest)


def check_archive(archive: Path) -> Manifest:
    """Read the whole archive and check every member against the manifest; writes nothing."""
    if not archive.is_file():
        raise NotFound(f"there is no archive at {archive}", field="archive")
    try:
        manifest = archives.scan(archive)
    except PermissionError as exc:
        raise ArchiveInvalid(f"the archive cannot be opened: {exc.strerror}") from exc
    database.check_revision_known(manifest.alembic_revision)
    return manifest
