"""A song and its recordings find each other in search: the licensee who searches a song title
learns that a recording (and its master right) exists, and one who finds a recording sees the
song it carries. On SQLite and PostgreSQL, through `GET /api/v1/works`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import event

from clearinghouse.access.domain import Role
from clearinghouse.search import service
from tests.support.factories import Actor, make_actor, make_holding, make_work


@dataclass
class Song:
    publisher: Actor
    label: Actor
    song: str
    first: str  # the recording made first
    live: str  # a later live recording


@pytest.fixture
def song(sessions) -> Song:  # noqa: ANN001
    publisher = make_actor(sessions, "声海音乐出版 Sea Sound Publishing", Role.OWNER)
    label = make_actor(sessions, "回声唱片 Echo Records", Role.OWNER)
    song = make_work(sessions, publisher, title="夏日的风",
                     alt_titles=[{"title": "Summer Wind", "language": "en"}],
                     creators=[{"name": "林夕", "role": "lyricist"}],
                     identifiers=[{"scheme": "iswc", "value": "T-917.000.000-7"}])
    make_holding(sessions, publisher, song)
    recordings = []
    for title, isrc, singer in (("夏日的风", "CN-E01-17-00001", "王菲"),
                                ("夏日的风 (Live)", "CN-E01-18-00002", "陈奕迅")):
        rec = make_work(sessions, label, type="sound_recording", title=title,
                        creators=[{"name": singer, "role": "performer"}],
                        identifiers=[{"scheme": "isrc", "value": isrc}],
                        relations=[{"kind": "embodies", "work_id": song}])
        make_holding(sessions, label, rec, rights=["master_use"])
        recordings.append(rec)
    return Song(publisher, label, song, *recordings)


def hit(client, work_id: str, **params):  # noqa: ANN001, ANN003, ANN201
    resp = client.get("/api/v1/works", params=params)
    assert resp.status_code == 200, resp.text
    return next(item for item in resp.json()["items"] if item["id"] == work_id)


def test_a_song_title_shows_the_songs_recordings_with_isrc_artist_and_label(client, song):
    composition = hit(client, song.song, q="夏日的风", type="musical_composition")
    assert composition["recordings_total"] == 2
    first, live = composition["recordings"]  # oldest registration first
    assert first["id"] == song.first and live["id"] == song.live
    assert first == {
        "id": song.first, "type": "sound_recording", "title": "夏日的风",
        "identifiers": [{"scheme": "isrc", "value": "CNE011700001"}],
        "creators": ["王菲"],
        "holders": [{"party_id": song.label.party_id, "name": "回声唱片 Echo Records"}],
    }
    assert live["creators"] == ["陈奕迅"]
    assert composition["compositions"] == []


def test_a_recording_shows_the_song_it_embodies(client, song):
    recording = hit(client, song.live, q="live")
    assert recording["recordings"] == [] and recording["recordings_total"] == 0
    (composition,) = recording["compositions"]
    assert composition["id"] == song.song and composition["title"] == "夏日的风"
    assert composition["creators"] == ["林夕"]
    assert composition["identifiers"][0]["scheme"] == "iswc"
    assert composition["holders"][0]["party_id"] == song.publisher.party_id


def test_works_without_links_say_so(client, song, sessions):
    lone = make_work(sessions, song.publisher, title="孤独的歌")
    item = hit(client, lone, q="孤独的歌")
    assert (item["recordings"], item["recordings_total"], item["compositions"]) == ([], 0, [])


def test_a_song_with_many_recordings_shows_ten_and_counts_all(client, song, sessions):
    for n in range(10):
        make_work(sessions, song.label, type="sound_recording", title=f"Cover {n}",
                  relations=[{"kind": "embodies", "work_id": song.song}])
    composition = hit(client, song.song, q="夏日的风", type="musical_composition")
    assert composition["recordings_total"] == 12
    assert len(composition["recordings"]) == service.LINKED_PER_HIT == 10
    assert composition["recordings"][0]["id"] == song.first


def test_describing_a_page_costs_the_same_queries_however_many_links_it_has(
        engine, sessions, song):
    """Regression guard for the latency-sensitive search: links load in batches, not per row."""
    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    def queries_for(**params) -> int:  # noqa: ANN003
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            with sessions() as s:
                page = service.search(s, service.SearchParams(**params))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page.items
        return len(statements)

    one_song = queries_for(q="夏日的风", type="musical_composition")
    for n in range(5):
        other = make_work(sessions, song.publisher, title=f"夏日的风 {n}")
        for _ in range(2):
            make_work(sessions, song.label, type="sound_recording", title="rec",
                      relations=[{"kind": "embodies", "work_id": other}])
    six_songs = queries_for(q="夏日的风", type="musical_composition")
    assert six_songs == one_song
