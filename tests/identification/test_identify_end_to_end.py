"""End to end with the real fingerprinters: an owner adds a recording as reference media through
the API; a 5-second excerpt of it, re-encoded, is identified as that work, and the result can be
read back. A file that is not in the catalogue finds nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.identification.media_files import clip, music_excerpt, photo, speech
from tests.identification.test_licence_first import _identify


def test_an_excerpt_of_a_registered_recording_is_found_as_its_work(client, world) -> None:  # noqa: ANN001
    reference = music_excerpt(0, 30)
    added = client.post(f"/api/v1/works/{world.work_id}/references", headers=world.owner.headers,
                        files={"file": ("song.mp3", reference, "audio/mpeg")})
    assert added.status_code == 201, added.text
    assert added.json()["status"] == "indexed" and added.json()["audio_prints"] > 100

    r = _identify(client, world.licensee, music_excerpt(10, 5, fmt="wav"))
    assert r.status_code == 201, r.text
    [work] = r.json()["works"]
    assert work["work_id"] == world.work_id and work["work_title"] == "再见 Goodbye"
    # Unlicensed, so enforcement claims it under the owner's policy (none set: track).
    assert (work["outcome"], work["policy"]) == ("claimed", "track") and work["claim_id"]
    claim = client.get(f"/api/v1/claims/{work['claim_id']}", headers=world.owner.headers)
    assert claim.status_code == 200 and claim.json()["claim"]["work_id"] == world.work_id
    match = work["match"]
    assert match["reference_id"] == added.json()["id"] and match["kind"] == "audio"
    assert match["reference_start"] == pytest.approx(10, abs=1.0)
    assert match["false_match_rate"] <= 1e-3 and 0 < match["score"] <= 1

    assert _identify(client, world.licensee, speech()).json()["works"] == []  # not registered

    # Removed, it is found no more.
    assert client.delete(f"/api/v1/references/{added.json()['id']}",
                         headers=world.owner.headers).status_code == 204
    again = _identify(client, world.licensee, music_excerpt(10, 5, fmt="wav"))
    assert again.json()["works"] == []


def test_a_registered_photo_and_clip_are_found_in_changed_copies(client, world) -> None:  # noqa: ANN001
    """The other owner's photo, shrunk and re-encoded as JPEG, and its clip in a distorted
    re-encoding, are found as its work; the visual index holds both."""
    refs = f"/api/v1/works/{world.other_work_id}/references"
    photo_ref = client.post(refs, headers=world.other_owner.headers,
                            files={"file": ("astronaut.png", photo("astronaut.png"), "image/png")})
    clip_ref = client.post(refs, headers=world.other_owner.headers,
                           files={"file": ("car.mp4", clip("carphone_pristine.mp4"), "video/mp4")})
    assert photo_ref.status_code == clip_ref.status_code == 201, (photo_ref.text, clip_ref.text)
    assert photo_ref.json()["status"] == "indexed" and photo_ref.json()["visual_prints"] == 1
    assert clip_ref.json()["kind"] == "video" and clip_ref.json()["visual_prints"] > 1

    shrunk = io.BytesIO()
    Image.open(io.BytesIO(photo("astronaut.png"))).resize((300, 300)).save(shrunk, "JPEG")
    found = _identify(client, world.licensee, shrunk.getvalue())
    assert found.status_code == 201, found.text
    [work] = found.json()["works"]
    assert work["work_id"] == world.other_work_id and work["match"]["kind"] == "image"
    assert work["match"]["reference_id"] == photo_ref.json()["id"]

    distorted = _identify(client, world.licensee, clip("carphone_distorted.mp4"))
    [work] = distorted.json()["works"]
    assert work["work_id"] == world.other_work_id and work["match"]["kind"] == "video"
    assert work["match"]["reference_id"] == clip_ref.json()["id"]
    assert work["match"]["query_end"] > 3
