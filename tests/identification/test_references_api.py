"""Owners register reference media for their works through the API: the kind is told by
decoding, the same file twice is one reference, and only the work's managers see or change them."""

from __future__ import annotations

from tests.identification.media_files import clip, photo, speech

REFS = "/api/v1/works/{}/references"


def _add(client, actor, work_id, data, name="file", content_type="application/octet-stream"):  # noqa: ANN001, ANN202
    return client.post(REFS.format(work_id), headers=actor.headers,
                       files={"file": (name, data, content_type)})


def test_an_owner_adds_lists_reads_and_removes_references_of_each_kind(client, world) -> None:  # noqa: ANN001
    song = _add(client, world.owner, world.work_id, speech(), "goodbye.wav", "audio/wav")
    assert song.status_code == 201, song.text
    body = song.json()
    assert body["kind"] == "audio" and body["work_id"] == world.work_id
    assert 0.5 < body["duration_s"] < 3.0  # "goodbye" is a short prompt
    assert body["added_by"] == world.owner.party_id and len(body["sha256"]) == 64
    assert song.headers["Location"] == f"/api/v1/references/{body['id']}"

    video = _add(client, world.owner, world.work_id, clip(), "car.mp4", "video/mp4")
    assert video.status_code == 201, video.text
    assert video.json()["kind"] == "video" and video.json()["duration_s"] > 3

    again = _add(client, world.owner, world.work_id, speech(), "same-bytes-other-name.wav")
    assert again.status_code == 200 and again.json()["id"] == body["id"]  # one reference

    listed = client.get(REFS.format(world.work_id), headers=world.owner.headers)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["items"]] == [body["id"], video.json()["id"]]

    one = client.get(f"/api/v1/references/{body['id']}", headers=world.owner.headers)
    assert one.status_code == 200 and one.json() == body | {"status": one.json()["status"]}

    gone = client.delete(f"/api/v1/references/{body['id']}", headers=world.owner.headers)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/references/{body['id']}",
                      headers=world.owner.headers).status_code == 404
    assert len(client.get(REFS.format(world.work_id), headers=world.owner.headers)
               .json()["items"]) == 1


def test_a_mislabelled_file_is_classified_by_what_it_holds(client, world) -> None:  # noqa: ANN001
    """A PNG named like a song and sent as audio/mpeg is an image reference."""
    r = _add(client, world.owner, world.work_id, photo("coffee.png"), "song.mp3", "audio/mpeg")
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "image" and r.json()["duration_s"] == 0


def test_only_the_works_managers_see_or_change_its_references(client, world) -> None:  # noqa: ANN001
    mine = _add(client, world.owner, world.work_id, speech(), "goodbye.wav")
    assert mine.status_code == 201
    ref = f"/api/v1/references/{mine.json()['id']}"
    for stranger in (world.other_owner, world.licensee):
        refused = _add(client, stranger, world.work_id, speech("added.wav"), "x.wav")
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "forbidden"
        assert client.get(REFS.format(world.work_id), headers=stranger.headers).status_code == 403
        assert client.get(ref, headers=stranger.headers).status_code == 403
        assert client.delete(ref, headers=stranger.headers).status_code == 403
    assert client.post(REFS.format(world.work_id), content=speech()).status_code == 401
    assert _add(client, world.owner, "wrk_missing", speech()).status_code == 404
    assert client.get(ref, headers=world.owner.headers).status_code == 200  # still there
    listed = client.get(REFS.format(world.work_id), headers=world.owner.headers).json()["items"]
    assert [r["sha256"] for r in listed] == [mine.json()["sha256"]]
