"""End to end with the real fingerprinters: an owner adds a recording as reference media through
the API; a 5-second excerpt of it, re-encoded, is identified as that work, and the result can be
read back. A file that is not in the catalogue finds nothing."""

from __future__ import annotations

import pytest

from tests.identification.media_files import music_excerpt, speech
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
    assert work["outcome"] == "matched"  # enforcement decides at the merge (enforcement_seam.py)
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
