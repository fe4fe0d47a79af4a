"""Writing and reading backup archives (gzipped tar), checksumming every member on the way.

Reading streams the archive front to back and then drains the gzip stream, so its CRC-32 and
length trailer are checked too: a flipped byte anywhere is noticed, not only inside a member.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from clearinghouse.backup.domain import (
    MANIFEST,
    ArchiveInvalid,
    BackupFailed,
    Manifest,
    Member,
    TargetNotEmpty,
    check_member_path,
    compare,
    parse_manifest,
)

CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 64 << 20  # a manifest lists every stored file: generous, but bounded
UNREADABLE = "the archive cannot be read: it is damaged, truncated or not a backup archive"


def copy_hashing(source: IO[bytes], sink: IO[bytes] | None = None) -> tuple[int, str]:
    """Size and SHA-256 of what `source` yields, written on to `sink` if given."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return size, digest.hexdigest()


class _HashingReader:
    """Hands tarfile the bytes of a source while hashing exactly the bytes it took."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter(AbstractContextManager["ArchiveWriter"]):
    """A new archive, written under a temporary name (mode 0600) and renamed into place by
    `finish`; leaving the `with` block on an error removes the partial file."""

    def __init__(self, target: Path, *, overwrite: bool = False) -> None:
        self.target = target
        if target.exists() and not overwrite:
            raise TargetNotEmpty(
                f"{target} already exists; choose another name or pass --force to replace it",
                field="archive",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file readable by this user only: the archive holds private keys.
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self.temp = Path(temp)
        self._raw = os.fdopen(fd, "wb")
        self._tar = tarfile.open(  # noqa: SIM115  (closed by finish or __exit__)
            fileobj=self._raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
        )
        self.members: list[Member] = []
        self.mtime = int(time.time())

    def add_stream(self, path: str, source: IO[bytes], size: int) -> Member:
        info = tarfile.TarInfo(check_member_path(path))
        info.size, info.mode, info.mtime = size, 0o600, self.mtime
        reader = _HashingReader(source)
        try:
            self._tar.addfile(info, reader)
        except OSError as exc:
            raise BackupFailed(f"{path} changed size while it was being backed up: {exc}") from exc
        member = Member(path, reader.size, reader.digest.hexdigest())
        self.members.append(member)
        return member

    def add_file(self, path: str, source: Path) -> Member:
        with source.open("rb") as f:
            return self.add_stream(path, f, os.fstat(f.fileno()).st_size)

    def add_bytes(self, path: str, data: bytes) -> Member:
        return self.add_stream(path, io.BytesIO(data), len(data))

    def finish(self, manifest: Manifest) -> int:
        """Write the manifest last, flush to disk and move the archive into place; its size."""
        data = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, self.mtime
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.chmod(self.temp, 0o600)
        os.replace(self.temp, self.target)
        return self.target.stat().st_size

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            return
        for closing in (self._tar.close, self._raw.close):
            with contextlib.suppress(Exception):  # already failing: the first error is the one to show
                closing()
        self.temp.unlink(missing_ok=True)


DAMAGE = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


def _damaged(exc: BaseException) -> ArchiveInvalid:
    return ArchiveInvalid(UNREADABLE, details=[{"field": "archive", "message": str(exc)}])


class _GuardedStream:
    """A member's bytes, read lazily from the gzip stream: damage found while reading them is
    reported as a damaged archive, not as a crash in whoever is reading."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def read(self, n: int = -1) -> bytes:
        try:
            return self.stream.read(n)
        except DAMAGE as exc:
            raise _damaged(exc) from exc


def read_members(archive: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each member as (path, stream), in archive order; consume a stream before the next."""
    try:
        with gzip.open(archive, "rb") as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
            for info in tar:
                path = check_member_path(info.name)
                stream = tar.extractfile(info) if info.isreg() else None
                if stream is None:
                    raise ArchiveInvalid(f"the archive member {path!r} is not a regular file")
                yield path, _GuardedStream(stream)  # type: ignore[misc]
            while gz.read(CHUNK):  # read to the end so gzip checks its CRC-32 and length
                pass
    except DAMAGE as exc:
        raise _damaged(exc) from exc


def scan(archive: Path) -> Manifest:
    """Read the whole archive and check it against its manifest; writes nothing."""
    found: dict[str, tuple[int, str]] = {}
    manifest_bytes: bytes | None = None
    for path, stream in read_members(archive):
        if path in found or (path == MANIFEST and manifest_bytes is not None):
            raise ArchiveInvalid(f"the archive holds {path!r} twice")
        if path == MANIFEST:
            manifest_bytes = stream.read(MAX_MANIFEST_BYTES + 1)
            if len(manifest_bytes) > MAX_MANIFEST_BYTES:
                raise ArchiveInvalid("the archive's manifest is implausibly large")
        else:
            found[path] = copy_hashing(stream)
    if manifest_bytes is None:
        raise ArchiveInvalid("the archive has no manifest: it is incomplete or not a backup archive")
    try:
        data: Any = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveInvalid("the archive's manifest is not valid JSON") from exc
    manifest = parse_manifest(data)
    compare(manifest, found)
    return manifest


def extract(
    archive: Path, manifest: Manifest, open_target: Callable[[str], AbstractContextManager[IO[bytes]]]
) -> None:
    """Write every member through `open_target(path)`, checking each again as it is written (the
    file could have changed since `scan`)."""
    for path, stream in read_members(archive):
        if path == MANIFEST:
            continue
        expected = manifest.by_path.get(path)
        if expected is None:
            raise ArchiveInvalid(f"the archive changed while it was being restored ({path!r})")
        with open_target(path) as out:
            seen = copy_hashing(stream, out)
        if seen != (expected.size, expected.sha256):
            raise ArchiveInvalid(f"the archive changed while it was being restored ({path!r})")
