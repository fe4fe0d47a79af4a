"""A bad archive or an occupied target is refused with a clear error, and nothing is written."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from clearinghouse.backup import domain
from tests.backup.conftest import load_world

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

Member = tuple[str, bytes]


@pytest.fixture
def archive(client, sessions, settings, db_url, tmp_path, ch) -> Path:  # noqa: ANN001
    load_world(client, sessions)
    path = tmp_path / "archives" / "good.tar.gz"
    ch.json("backup", path, data_dir=settings.data_dir, database_url=db_url)
    return path


def _members(path: Path) -> list[Member]:
    with tarfile.open(path, "r:gz") as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]


def _pack(path: Path, members: list[Member]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def said(result) -> str:  # noqa: ANN001
    """The CLI's output as one line (the console wraps long messages)."""
    return " ".join(result.output.split())


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])


def alter_the_active_key(path: Path) -> None:
    """A well-formed archive whose member no longer matches the manifest's checksum."""
    _pack(path, [(n, b"ch-2020-01-forged\n" if n == "keys/active" else d) for n, d in _members(path)])


def add_an_unlisted_file(path: Path) -> None:
    members = _members(path)
    _pack(path, [*members[:-1], ("files/works/wrk_x/planted", b"not from the backup"), members[-1]])


def escape_the_target(path: Path) -> None:
    _pack(path, [("../outside.txt", b"written outside the data directory"), *_members(path)])


def drop_the_manifest(path: Path) -> None:
    _pack(path, [m for m in _members(path) if m[0] != domain.MANIFEST])


def from_a_future_version(path: Path) -> None:
    members = _members(path)
    manifest = json.loads(members[-1][1])
    manifest["database"]["alembic_revision"] = "9999"
    _pack(path, [*members[:-1], (domain.MANIFEST, json.dumps(manifest).encode())])


def not_an_archive(path: Path) -> None:
    path.write_text("a shopping list, not a backup\n")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (flip_a_byte, "damaged"),
        (truncate, "damaged, truncated"),
        (alter_the_active_key, "keys/active: checksum does not match"),
        (add_an_unlisted_file, "files/works/wrk_x/planted: not listed in the manifest"),
        (escape_the_target, "never writes: '../outside.txt'"),
        (drop_the_manifest, "no manifest"),
        (from_a_future_version, "revision '9999'"),
        (not_an_archive, "not a backup archive"),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_written(
    archive: Path, tmp_path: Path, ch, damage: Callable[[Path], None], says: str  # noqa: ANN001
) -> None:
    damage(archive)
    place = tmp_path / "restore-here"
    place.mkdir()
    for args in (["--dry-run"], []):
        result = ch("restore", archive, "--data-dir", place / "data", *args, data_dir=tmp_path / "x")
        assert result.exit_code == 4, result.output
        assert "validation_failed" in result.output and says in said(result)
    assert list(place.iterdir()) == []  # no data directory, no half-restored folder beside it
    assert not (tmp_path / "outside.txt").exists() and not (place / "outside.txt").exists()


def test_the_dry_run_checks_a_good_archive_and_writes_nothing(archive: Path, tmp_path: Path, ch) -> None:  # noqa: ANN001
    checked = ch.json("restore", archive, "--dry-run", "--data-dir", tmp_path / "new", data_dir=tmp_path / "x")
    assert checked["checked"] is True and checked["stored_files"] == 1
    assert not (tmp_path / "new").exists()


def test_a_non_empty_data_directory_is_kept_unless_forced_and_then_set_aside(
    archive: Path, tmp_path: Path, ch  # noqa: ANN001
) -> None:
    target = tmp_path / "srv" / "live"
    target.mkdir(parents=True)
    (target / "notes.txt").write_text("mine")
    refused = ch("restore", archive, "--data-dir", target, data_dir=tmp_path / "x")
    assert refused.exit_code == 5 and "is not empty" in said(refused)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["live"]  # no half-restored folder beside it

    forced = ch.json("restore", archive, "--data-dir", target, "--force", data_dir=tmp_path / "x")
    assert (target / "clearinghouse.sqlite3").is_file() and (target / "keys" / "active").is_file()
    previous = Path(forced["previous_data_dir"])
    assert previous.parent == target.parent and (previous / "notes.txt").read_text() == "mine"


def test_an_empty_existing_data_directory_is_used(archive: Path, tmp_path: Path, ch) -> None:  # noqa: ANN001
    (tmp_path / "empty").mkdir()
    done = ch.json("restore", archive, "--data-dir", tmp_path / "empty", data_dir=tmp_path / "x")
    assert done["previous_data_dir"] is None and (tmp_path / "empty" / "clearinghouse.sqlite3").is_file()


def test_an_archive_is_never_overwritten_unless_forced(
    archive: Path, settings, db_url, ch  # noqa: ANN001
) -> None:
    before = archive.read_bytes()
    again = ch("backup", archive, data_dir=settings.data_dir, database_url=db_url)
    assert again.exit_code == 5 and "already exists" in said(again)
    assert archive.read_bytes() == before
    assert sorted(p.name for p in archive.parent.iterdir()) == ["good.tar.gz"]  # no partial file left
    ch.json("backup", archive, "--force", data_dir=settings.data_dir, database_url=db_url)


def test_a_sqlite_archive_is_not_restored_into_a_postgres_url(archive: Path, tmp_path: Path, ch) -> None:  # noqa: ANN001
    wrong = ch("restore", archive, "--data-dir", tmp_path / "new", "--database-url",
               "postgresql+psycopg://nobody@127.0.0.1:1/none", data_dir=tmp_path / "x")
    assert wrong.exit_code == 4 and "holds a SQLite database" in said(wrong)
    assert not (tmp_path / "new").exists()


def test_a_backup_that_cannot_be_written_says_why_and_leaves_nothing(
    settings, db_url, tmp_path: Path, ch  # noqa: ANN001
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    failed = ch("backup", tmp_path / "a-file" / "b.tar.gz", data_dir=settings.data_dir, database_url=db_url)
    assert failed.exit_code == 1 and "error (backup_failed): the backup failed" in said(failed)
    assert (tmp_path / "a-file").read_text() == "not a folder"
