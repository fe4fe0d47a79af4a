"""The import as a job: it never blocks other writers, scales linearly, stops at the row limit,
survives a restart as a failed job, is visible only to its owner, and never runs twice."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from functools import partial

import httpx
import pytest
from sqlalchemy import func, select

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.registry import import_job, import_reading
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_job import KIND, ImportRequest, run_import
from clearinghouse.registry.tables import Work, WorkRelation
from tests.registry.test_import import CATALOGUE, URL, by_ref, finished, imported, post
from tests.support.factories import make_actor, make_work, principal
from tests.support.live import serving


def count(sessions, model) -> int:
    with unit_of_work(sessions) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def live_server(settings) -> Iterator[str]:
    """The real app in a real uvicorn server, so a stalled upload and a write truly overlap."""
    from clearinghouse.api.app import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with serving(create_app(settings)) as base:
        yield base


def test_a_stalled_upload_does_not_block_other_writes(live_server, sessions):
    """Issue 10, defect 3: the import took the write lock before reading its body, so a client
    that sent a few bytes and paused made every other write wait 30 s and answer 503."""
    owner = make_actor(sessions, "一条", Role.OWNER)
    host, port = live_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall((f"POST {URL} HTTP/1.1\r\nHost: {host}\r\n"
                      f"Authorization: Bearer {owner.token}\r\nContent-Type: text/csv\r\n"
                      "Content-Length: 100000\r\n\r\ntype,").encode())
        time.sleep(0.5)  # the server has the request and waits for the rest of its body
        # Under the old code this write waited for the lock (busy timeout 30 s), then got a 503.
        with httpx.Client(base_url=live_server, timeout=25) as http:
            resp = http.post("/api/v1/works", headers=owner.headers,
                             json={"type": "photograph", "title": "外滩夜景"})
        assert resp.status_code == 201, resp.text
    assert count(sessions, Work) == 1


def _chain_catalogue(triples: int) -> bytes:
    """Song, recording (embodies the song), video (contains the recording); every other
    triple is listed video first, so half the references point further down the file."""
    lines = ["ref,type,title,relations"]
    for i in range(triples):
        rows = [f"s{i},musical_composition,歌 {i},", f"r{i},sound_recording,录音 {i},embodies=s{i}",
                f"v{i},short_video,视频 {i},contains=r{i}"]
        lines += rows[::-1] if i % 2 else rows
    return ("\n".join(lines) + "\n").encode()


def test_relations_between_thousands_of_rows_resolve_both_ways(client, sessions):
    """Issue 10, defect 4: relations were resolved in quadratic time; now by dictionaries."""
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = imported(client, owner, _chain_catalogue(1500))
    assert (report["total"], report["accepted"]) == (4500, 4500)
    assert count(sessions, WorkRelation) == 3000
    rows = by_ref(report)
    for i in (0, 1, 1499):  # a backward and two forward references
        with unit_of_work(sessions) as s:
            targets = dict(s.execute(select(WorkRelation.from_work_id, WorkRelation.to_work_id)
                                     .where(WorkRelation.from_work_id.in_(
                                         [rows[f"v{i}"]["work_id"], rows[f"r{i}"]["work_id"]]))).all())
        assert targets[rows[f"v{i}"]["work_id"]] == rows[f"r{i}"]["work_id"]
        assert targets[rows[f"r{i}"]["work_id"]] == rows[f"s{i}"]["work_id"]


def test_a_row_depending_on_a_rejected_row_or_a_circle_is_rejected(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    body = "\n".join([
        "ref,type,title,relations",
        "video,short_video,视频,contains=rec",  # depends on rec, which depends on a bad row
        "rec,sound_recording,录音,embodies=song",
        "song,hologram,全息歌,",
        "a,short_video,甲,derived_from=b",
        "b,short_video,乙,derived_from=a",
        "ok,photograph,照片,",
    ]).encode() + b"\n"
    rows = by_ref(imported(client, owner, body))
    assert rows["song"]["status"] == "rejected"
    assert "row 4 (ref 'song'), which was rejected" in rows["rec"]["errors"][0]["message"]
    assert "row 3 (ref 'rec'), which was rejected" in rows["video"]["errors"][0]["message"]
    assert all("circle" in rows[r]["errors"][0]["message"] for r in ("a", "b"))
    assert rows["ok"]["status"] == "accepted" and count(sessions, Work) == 1


def test_the_row_limit_stops_reading_as_soon_as_it_is_passed(client, sessions, monkeypatch):
    """Issue 10, defect 4: the limit was checked after the whole file was parsed in memory."""
    monkeypatch.setattr(import_reading, "MAX_ROWS", 10)
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    rows = [f"photograph,照片 {i}" for i in range(11)]
    # A field past the csv module's limit: reading that far would be a different 422.
    body = ("type,title\n" + "\n".join(rows) + "\nphotograph," + "x" * 200_000 + "\n").encode()
    resp = post(client, owner, body)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert "more than 10 works" in error["message"] and error["details"][0]["limit"] == 10
    assert count(sessions, Work) == 0


def test_an_import_left_running_by_a_crash_is_failed_at_start_up(settings, sessions):
    from fastapi.testclient import TestClient

    from clearinghouse.api.app import create_app

    owner = make_actor(sessions, "一条", Role.OWNER)
    with unit_of_work(sessions) as s:
        job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id, dedupe_key="k")
        jobs.mark_running(s, job.id)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with TestClient(create_app(settings)) as client:
        body = client.get(f"/api/v1/jobs/{job.id}", headers=owner.headers).json()
    assert body["status"] == "failed"
    assert body["error"].startswith("interrupted: the server stopped before this job finished")


def test_only_the_owner_and_the_operator_read_a_job(client, sessions):
    owner = make_actor(sessions, "一条", Role.OWNER)
    other = make_actor(sessions, "二更", Role.OWNER)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    job = finished(client, owner, post(client, owner, CATALOGUE.encode()))
    url = f"/api/v1/jobs/{job['id']}"
    resp = client.get(url, headers=other.headers)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=operator.headers).json()["result"]["accepted"] == 2


def test_the_same_file_sent_twice_is_imported_once(client, sessions):
    owner = make_actor(sessions, "一条", Role.OWNER)
    first = finished(client, owner, post(client, owner, CATALOGUE.encode()))
    again = post(client, owner, CATALOGUE.encode())
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert count(sessions, Work) == 2
    # A dry run is no import; nor is a run that wrote nothing, so both may be repeated.
    dry = [post(client, owner, CATALOGUE.encode(), dry_run="true") for _ in range(2)]
    assert [r.status_code for r in dry] == [202, 202] and dry[0].json()["id"] != dry[1].json()["id"]
    bad = b"type,title\nhologram,x\n"
    rejected = finished(client, owner, post(client, owner, bad))
    retry = post(client, owner, bad)
    assert retry.status_code == 202 and retry.json()["id"] != rejected["id"]
    client.app.state.jobs.wait_idle(timeout=120)
    assert count(sessions, Work) == 2


def _run_with_race(sessions, owner, body: bytes, all_or_nothing: bool, tmp_path) -> dict:
    """Between the check pass and the write pass someone registers an ISRC of the file."""
    path = tmp_path / "race.csv"
    path.write_bytes(body)
    options = ImportOptions(filename=path.name, all_or_nothing=all_or_nothing)
    file = import_reading.scan(path, options)
    with unit_of_work(sessions) as s:
        who = principal(s, owner)
        job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id)

    def listener(done: int, total: int | None, stage: str | None) -> None:
        if stage == "checking" and done == file.works:
            make_work(sessions, owner, title="抢先登记",
                      identifiers=[{"scheme": "isrc", "value": "CN-A01-17-00005"}])

    JobRunner(sessions, sessions).run_here(
        job.id, partial(run_import, request=ImportRequest(file, who, options)), listener)
    with unit_of_work(sessions) as s:
        return jobs.get_job(s, who, job.id).result or {}


RACE = ("ref,type,title,identifiers\n" + "".join(
    f"w{i},sound_recording,录音 {i},isrc:CN-A01-17-0000{i}\n" for i in range(1, 7))).encode()


def test_a_row_the_database_refuses_while_writing_is_rejected_alone(sessions, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr(import_job, "BATCH", 2)
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = _run_with_race(sessions, owner, RACE, False, tmp_path)
    rows = by_ref(report)
    assert rows["w5"]["status"] == "rejected" and rows["w5"]["work_id"] is None
    assert "database refused" in rows["w5"]["errors"][0]["message"]
    assert report["accepted"] == 5 and report["applied"] is True
    assert count(sessions, Work) == 6  # five imported and the one registered meanwhile


def test_all_or_nothing_undoes_committed_batches_when_the_database_refuses_a_row(
    sessions, tmp_path, monkeypatch
):
    monkeypatch.setattr(import_job, "BATCH", 2)  # rows 1-4 are committed before row 5 fails
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    report = _run_with_race(sessions, owner, RACE, True, tmp_path)
    assert report["applied"] is False and report["import_id"] is None
    assert all(r["work_id"] is None for r in report["rows"])
    assert "database refused" in by_ref(report)["w5"]["errors"][0]["message"]
    assert count(sessions, Work) == 1  # only the one registered meanwhile


def test_the_rows_written_are_the_rows_checked_even_if_the_file_changes(sessions, tmp_path,
                                                                         monkeypatch):
    """The write pass read the file again (and validated it again): a file changed between the
    passes wrote rows no check had seen. Now the checked rows are kept (import_spool)."""
    monkeypatch.setattr(import_job, "BATCH", 2)  # several spooled batches, read back in order
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    path = tmp_path / "catalogue.csv"
    path.write_text("ref,type,title,relations\n" + "".join(
        f"w{i},photograph,照片 {i},{'contains=w0' if i == 4 else ''}\n" for i in range(5)),
        encoding="utf-8")
    options = ImportOptions(filename=path.name)
    file = import_reading.scan(path, options)
    with unit_of_work(sessions) as s:
        who = principal(s, owner)
        job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id)

    def listener(done: int, total: int | None, stage: str | None) -> None:
        if stage == "checking" and done == file.works:  # the check pass is over
            path.write_text("ref,type,title\n" + "".join(
                f"w{i},no_such_type,改过的 {i}\n" for i in range(5)), encoding="utf-8")

    JobRunner(sessions, sessions).run_here(
        job.id, partial(run_import, request=ImportRequest(file, who, options)), listener)
    with unit_of_work(sessions) as s:
        report = jobs.get_job(s, who, job.id).result or {}
        titles = sorted(s.scalars(select(Work.title)))
        relations = s.scalar(select(func.count()).select_from(WorkRelation))
    assert report["accepted"] == 4 and by_ref(report)["w4"]["status"] == "rejected"
    assert titles == [f"照片 {i}" for i in range(4)]
    assert relations == 0


def test_a_row_referring_to_a_row_the_database_refused_in_the_batch_before_is_rejected(
    sessions, tmp_path, monkeypatch
):
    """The next batch is built while the last one is written: a refusal there still rejects the
    rows of the next batch that refer to the refused row, with the reason, and only those."""
    monkeypatch.setattr(import_job, "BATCH", 2)  # [w1 w2] [w3 song] [rec w6]
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    body = ("ref,type,title,identifiers,relations\n"
            "w1,sound_recording,录音 1,isrc:CN-A01-17-00001,\n"
            "w2,sound_recording,录音 2,isrc:CN-A01-17-00002,\n"
            "w3,sound_recording,录音 3,isrc:CN-A01-17-00003,\n"
            "song,musical_composition,歌 5,isrc:CN-A01-17-00005,\n"
            "rec,sound_recording,录音 6,,embodies=song\n"
            "w6,sound_recording,录音 7,isrc:CN-A01-17-00007,\n").encode()
    report = _run_with_race(sessions, owner, body, False, tmp_path)
    rows = by_ref(report)
    assert "database refused" in rows["song"]["errors"][0]["message"]
    assert rows["rec"]["status"] == "rejected" and rows["rec"]["work_id"] is None
    assert rows["rec"]["errors"] == [{"field": "relations",
                                      "message": "it refers to row 5, which the database refused"}]
    assert [rows[r]["status"] for r in ("w1", "w2", "w3", "w6")] == ["accepted"] * 4
    assert report["accepted"] == 4 and count(sessions, Work) == 5
