"""The backup archive's rules, without any I/O: member paths, the manifest, the comparison."""

from __future__ import annotations

import pytest

from clearinghouse.backup.domain import (
    ArchiveInvalid,
    Manifest,
    Member,
    check_member_path,
    compare,
    parse_manifest,
)

DB = Member("database/clearinghouse.sqlite3", 4096, "a" * 64)
KEY = Member("keys/ch-2026-11-0a1b2c3d.pem", 119, "b" * 64)


def manifest(*members: Member) -> Manifest:
    return Manifest("2026-11-30T00:00:00+00:00", "0.1.0", "sqlite", "0004", members or (DB, KEY))


@pytest.mark.parametrize(
    "path",
    ["manifest.json", "database/clearinghouse.sqlite3", "database/clearinghouse.pgdump", "keys/active",
     "secrets/download-links.key", "files/works/wrk_1/" + "c" * 64],
)
def test_paths_the_backup_writes_are_accepted(path: str) -> None:
    assert check_member_path(path) == path


@pytest.mark.parametrize(
    "path",
    ["", "/etc/passwd", "../outside", "files/../../outside", "files//x", "files/./x", "keys/a/b",
     "keys\\active", "database/other.db", "secrets/other", "files", "elsewhere/x", "files/x\n"],
)
def test_any_other_path_is_refused(path: str) -> None:
    with pytest.raises(ArchiveInvalid):
        check_member_path(path)


def test_a_manifest_reads_back_what_was_written() -> None:
    written = manifest()
    read = parse_manifest(written.to_json())
    assert (read.members, read.database_kind, read.alembic_revision) == (written.members, "sqlite", "0004")
    assert written.to_json()["stored_files"] == {"count": 0, "bytes": 0}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"format": "zip"}, "not a Clearinghouse backup"),
        ({"format_version": 2}, "upgrade Clearinghouse"),
        ({"format_version": "1"}, "format_version"),
        ({"database": {"kind": "oracle"}}, "unknown database kind"),
        ({"members": "all"}, "members"),
        ({"members": [{"path": "keys/active", "size": -1, "sha256": "a" * 64}]}, "malformed"),
        ({"members": [{"path": "keys/active", "size": True, "sha256": "a" * 64}]}, "size"),
        ({"members": [KEY.to_json(), KEY.to_json()]}, "twice"),
        ({"members": [KEY.to_json()]}, "should hold one sqlite database"),
        ({"members": [DB.to_json(), {**DB.to_json(), "path": "database/clearinghouse.pgdump"}]}, "one sqlite"),
    ],
)
def test_a_malformed_manifest_is_an_invalid_archive_never_a_crash(change: dict, says: str) -> None:
    data = manifest().to_json() | change
    with pytest.raises(ArchiveInvalid, match=says):
        parse_manifest(data)


def test_compare_names_every_difference() -> None:
    found = {DB.path: (DB.size, DB.sha256), KEY.path: (KEY.size, "0" * 64), "keys/extra.pem": (1, "e" * 64)}
    with pytest.raises(ArchiveInvalid) as caught:
        compare(manifest(DB, KEY, Member("keys/active", 20, "d" * 64)), found)
    assert "(and 2 more)" in caught.value.message
    assert {d["field"] for d in caught.value.details} == {KEY.path, "keys/active", "keys/extra.pem"}
    compare(manifest(DB), {DB.path: (DB.size, DB.sha256), "manifest.json": (1, "f" * 64)})  # all there
