"""What a backup archive is: its layout, its manifest, and the checks a restore makes. Pure: no I/O.

An archive is one gzipped tar file. Every member but the manifest is listed in the manifest with
its size and SHA-256, and `manifest.json` comes last (its checksums are known only once the rest
is written). Member paths live under four folders:

    database/clearinghouse.sqlite3   the SQLite database (online backup), or
    database/clearinghouse.pgdump    a PostgreSQL custom-format dump (pg_dump -Fc)
    keys/<kid>.pem, keys/active      the certificate signing keys (private!)
    keys/operator-ca.*, keys/document-signing.*   the X.509 root CA and PDF/C2PA signing
                                     certificate, with their keys (private!)
    secrets/download-links.key       the key that signs download links
    files/<key>                      the stored files, by their key in the file store (not
                                     the licensees' signed copies under licensed/: a cache)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clearinghouse.core.errors import Conflict, DomainError, ValidationFailed

FORMAT = "clearinghouse-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE, POSTGRESQL = "sqlite", "postgresql"
DATABASE_MEMBERS = {SQLITE: "database/clearinghouse.sqlite3", POSTGRESQL: "database/clearinghouse.pgdump"}
KEYS, SECRETS, FILES = "keys/", "secrets/", "files/"
LINK_SECRET = "download-links.key"
MAX_PATH = 1000


class ArchiveInvalid(ValidationFailed):
    """The archive is not one we wrote, or it was damaged or altered since."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message, field="archive", details=details)


class TargetNotEmpty(Conflict):
    """A restore would overwrite data that is already there."""


class BackupFailed(DomainError):
    """Something outside the archive failed: a missing tool, a database that refused."""

    code = "backup_failed"
    status = 500


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Manifest:
    created_at: str  # ISO 8601, UTC
    app_version: str
    database_kind: str
    alembic_revision: str | None
    members: tuple[Member, ...]
    # Files the database refers to that were not in the file store when the backup ran.
    missing_files: tuple[str, ...] = ()
    format_version: int = FORMAT_VERSION
    by_path: dict[str, Member] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_path", {m.path: m for m in self.members})

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database_kind]

    def under(self, folder: str) -> list[Member]:
        return [m for m in self.members if m.path.startswith(folder)]

    def to_json(self) -> dict[str, Any]:
        files = self.under(FILES)
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "database": {
                "kind": self.database_kind,
                "alembic_revision": self.alembic_revision,
                "member": self.database_member,
            },
            "stored_files": {"count": len(files), "bytes": sum(m.size for m in files)},
            "missing_files": list(self.missing_files),
            "members": [m.to_json() for m in self.members],
        }


def check_member_path(path: str) -> str:
    """A member path we could have written: relative, under a known folder, no `..` or oddities.

    A restore writes each member below its target folder; this keeps a crafted archive from
    naming a path anywhere else.
    """
    parts = path.split("/")
    bad = (
        not path
        or len(path) > MAX_PATH
        or path.startswith("/")
        or "\\" in path
        or any(part in ("", ".", "..") for part in parts)
        or not path.isprintable()
    )
    known = (
        path == MANIFEST
        or path in DATABASE_MEMBERS.values()
        or path == SECRETS + LINK_SECRET
        or (path.startswith(KEYS) and len(parts) == 2)
        or (path.startswith(FILES) and len(parts) >= 2)
    )
    if bad or not known:
        raise ArchiveInvalid(f"the archive holds a member this program never writes: {path!r}")
    return path


def _field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ArchiveInvalid(f"the manifest's `{name}` is missing or malformed")
    return value


def parse_manifest(data: Any) -> Manifest:
    """The manifest from its JSON; anything unexpected is an ArchiveInvalid, never a crash."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveInvalid("this is not a Clearinghouse backup archive (no valid manifest)")
    version = _field(data, "format_version", int)
    if version > FORMAT_VERSION:
        raise ArchiveInvalid(
            f"the archive is in backup format {version}; this version of Clearinghouse reads "
            f"format {FORMAT_VERSION} and older: upgrade Clearinghouse to restore it"
        )
    database = _field(data, "database", dict)
    kind = database.get("kind")
    if kind not in DATABASE_MEMBERS:
        raise ArchiveInvalid(f"the manifest names an unknown database kind {kind!r}")
    revision = database.get("alembic_revision")
    if revision is not None and not isinstance(revision, str):
        raise ArchiveInvalid("the manifest's database revision is malformed")
    members: list[Member] = []
    for item in _field(data, "members", list):
        if not isinstance(item, dict):
            raise ArchiveInvalid("the manifest's member list is malformed")
        path = check_member_path(_field(item, "path", str))
        size, digest = _field(item, "size", int), _field(item, "sha256", str)
        if size < 0 or len(digest) != 64 or path == MANIFEST:
            raise ArchiveInvalid(f"the manifest's entry for {path!r} is malformed")
        members.append(Member(path, size, digest))
    manifest = Manifest(
        created_at=_field(data, "created_at", str),
        app_version=_field(data, "app_version", str),
        database_kind=kind,
        alembic_revision=revision,
        members=tuple(members),
        missing_files=tuple(str(x) for x in data.get("missing_files") or []),
        format_version=version,
    )
    if len(manifest.by_path) != len(members):
        raise ArchiveInvalid("the manifest lists a member twice")
    databases = [m.path for m in members if m.path in DATABASE_MEMBERS.values()]
    if databases != [manifest.database_member]:
        raise ArchiveInvalid(f"the archive should hold one {kind} database, it holds {databases}")
    return manifest


def compare(manifest: Manifest, found: Mapping[str, tuple[int, str]]) -> None:
    """Every member the manifest lists is there with its size and checksum, and nothing else is."""
    problems: list[dict[str, str]] = []
    for member in manifest.members:
        seen = found.get(member.path)
        if seen is None:
            problems.append({"member": member.path, "message": "listed in the manifest, missing"})
        elif seen != (member.size, member.sha256):
            problems.append({"member": member.path, "message": "checksum does not match the manifest"})
    for path in sorted(set(found) - set(manifest.by_path) - {MANIFEST}):
        problems.append({"member": path, "message": "not listed in the manifest"})
    if problems:
        first = problems[0]
        raise ArchiveInvalid(
            f"the archive is damaged or was altered: {first['member']}: {first['message']}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            details=[{"field": p["member"], "message": p["message"]} for p in problems[:50]],
        )
