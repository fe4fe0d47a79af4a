"""Corrupt, truncated, empty, enormous, mislabelled and hostile media: each refused with a clear
error in the one error shape, nothing left in any temporary folder, and the server still serves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.identification.conftest import leftovers
from tests.identification.media_files import (
    clip,
    gif,
    png_header_on_random_bytes,
    speech,
    still_video,
    tall_png,
    truncated,
    wav_claiming_hours,
)

REFS = "/api/v1/works/{}/references"
IDENTIFY = "/api/v1/identify"
FACTS = {"upload_ref": "v-1", "uploaded_on": "2026-11-30", "territory": "CN", "channel": "douyin"}

# (case, bytes, status, error code)
CASES = [
    ("zero-length file", lambda: b"", 422, "validation_failed"),
    ("random bytes", lambda: os.urandom(20_000), 422, "unreadable_media"),
    ("PNG header on random bytes", png_header_on_random_bytes, 422, "unreadable_media"),
    ("1 pixel wide, 100 million high", tall_png, 422, "unreadable_media"),
    ("truncated video", lambda: truncated(clip()), 422, "unreadable_media"),
    ("40 s video, over the 30 s allowed", still_video, 422, "media_too_long"),
    ("GIF (not a format we take)", gif, 422, "unreadable_media"),
    ("larger than the size limit", lambda: os.urandom(300_000), 413, "payload_too_large"),
]


@pytest.fixture
def settings(db_url: str, tmp_path: Path):  # noqa: ANN201
    from clearinghouse.core.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, max_body_bytes=65_536,
                    media_max_bytes=200_000, media_max_seconds=30,
                    media_worker_memory_bytes=512 * 1_048_576)


def _folders(client, own_tmp: Path) -> list[Path]:  # noqa: ANN001
    data = client.app.state.settings.data_dir
    return [own_tmp, data / "uploads", data / "files" / "tmp"]


def test_bad_references_are_refused_clearly_and_leave_nothing(client, world, own_tmp) -> None:  # noqa: ANN001
    folders = _folders(client, own_tmp)
    for case, make, status, code in CASES:
        before = leftovers(*folders)
        r = client.post(REFS.format(world.work_id), headers=world.owner.headers,
                        files={"file": ("upload.mp4", make(), "video/mp4")})
        assert r.status_code == status, (case, r.text)
        error = r.json()["error"]
        assert error["code"] == code and error["message"], case
        assert leftovers(*folders) == before, case
        assert client.get("/healthz").status_code == 200, case
    # Nothing was recorded, and a good file is still taken.
    assert client.get(REFS.format(world.work_id), headers=world.owner.headers).json()["items"] == []
    good = client.post(REFS.format(world.work_id), headers=world.owner.headers,
                       files={"file": ("goodbye.wav", speech(), "audio/wav")})
    assert good.status_code == 201, good.text
    assert leftovers(own_tmp, folders[1], folders[2]) == []


def test_a_header_claiming_hours_is_measured_by_decoding_not_believed(client, world) -> None:  # noqa: ANN001
    """A WAV whose header claims 100 hours holds one second: it is read as the second it holds."""
    r = client.post(REFS.format(world.work_id), headers=world.owner.headers,
                    files={"file": ("long.wav", wav_claiming_hours(), "audio/wav")})
    assert r.status_code == 201, r.text
    assert r.json()["duration_s"] == pytest.approx(1.0, abs=0.1)


def test_bad_uploads_to_identify_are_refused_clearly_and_leave_nothing(
        client, world, own_tmp) -> None:  # noqa: ANN001
    folders = _folders(client, own_tmp)
    for case, make, status, code in CASES:
        before = leftovers(*folders)
        r = client.post(IDENTIFY, params=FACTS, headers=world.licensee.headers,
                        files={"file": ("clip.mp4", make(), "video/mp4")})
        assert r.status_code == status, (case, r.text)
        assert r.json()["error"]["code"] == code, case
        assert leftovers(*folders) == before, case
    good = client.post(IDENTIFY, params=FACTS, headers=world.licensee.headers,
                       files={"file": ("goodbye.wav", speech(), "audio/wav")})
    assert good.status_code == 201, good.text
    assert good.json()["kind"] == "audio" and good.json()["works"] == []
