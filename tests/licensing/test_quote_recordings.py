"""A licensee who quotes a song learns that a recording of it needs its master right too, and
one quote for the recording clears both: over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.quotes import repository as quotes_repository
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.schemas import quote_out
from tests.licensing.catalogue_world import World, ad_use, build_world, price_everything
from tests.support.factories import make_work


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


def quote(client, w: World, work_ids: list[str]) -> dict:  # noqa: ANN001
    r = client.post("/api/v1/quotes", headers=w.brand.headers, json=ad_use(work_ids))
    assert r.status_code == 201, r.text
    return r.json()


def test_one_quote_for_the_recording_clears_its_master_and_the_songs_sync(client, world):
    price_everything(client, world)
    q = quote(client, world, [world.master])
    assert {(ln["work_id"], ln["right"]) for ln in q["lines"]} == {
        (world.master, "master_use"), (world.song, "synchronisation")}
    assert q["unclearable"] == [] and q["also_needed"] == []


def test_quoting_the_song_alone_says_the_recordings_master_is_needed_too(client, world):
    price_everything(client, world)
    q = quote(client, world, [world.song])
    assert {ln["right"] for ln in q["lines"]} == {"synchronisation"}  # the song only
    (hint,) = q["also_needed"]
    assert hint["work_id"] == world.song and hint["right"] == "master_use"
    assert hint["reason"] == "recording_not_named" and hint["recordings_total"] == 1
    assert hint["recordings"] == [
        {"work_id": world.master, "title": "月亮代表我的心 (录音)", "isrc": None}]
    assert world.master in hint["message"] and "clears both" in hint["message"]
    assert world.master in hint["message_zh"] and "录音制品权" in hint["message_zh"]
    # The hint reads the same when the quote is fetched again or listed.
    again = client.get(f"/api/v1/quotes/{q['id']}", headers=world.brand.headers).json()
    assert again["also_needed"] == q["also_needed"]
    listed = client.get("/api/v1/quotes", headers=world.brand.headers).json()["items"]
    assert listed[0]["also_needed"] == q["also_needed"]


def test_naming_the_song_and_its_recording_needs_no_hint(client, world):
    price_everything(client, world)
    q = quote(client, world, [world.song, world.master])
    assert q["also_needed"] == []
    assert {(ln["work_id"], ln["right"]) for ln in q["lines"]} == {
        (world.master, "master_use"), (world.song, "synchronisation")}


def test_a_song_with_several_recordings_names_them_with_their_isrc(client, world, sessions):
    cover = make_work(sessions, world.label, type="sound_recording", title="月亮代表我的心 (翻唱)",
                      identifiers=[{"scheme": "isrc", "value": "CN-E01-17-00009"}],
                      relations=[{"kind": "embodies", "work_id": world.song}])
    (hint,) = quote(client, world, [world.song])["also_needed"]
    assert hint["recordings_total"] == 2
    assert [(r["work_id"], r["isrc"]) for r in hint["recordings"]] == [
        (world.master, None), (cover, "CNE011700009")]
    assert "one of its 2 recordings" in hint["message"] and "共 2 个" in hint["message_zh"]


def test_a_list_of_quotes_reads_its_hints_in_one_query(client, world, engine, sessions):
    for _ in range(3):
        quote(client, world, [world.song])
    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    with unit_of_work(sessions) as s:
        quotes, _ = quotes_repository.page(s, licensee_id=None, state=None, now=utcnow(),
                                           offset=0, limit=100)
        event.listen(engine, "before_cursor_execute", count)
        try:
            hints = quotes_service.recordings_not_named(s, quotes)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(statements) == 1
        assert all(quote_out(q, "open", hints[q.id]).also_needed for q in quotes)
