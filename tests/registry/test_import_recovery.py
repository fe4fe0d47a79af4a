"""Issue 10, defect 4: an import cut short between two committed batches, by a crash or a stop.

The crash is simulated deterministically: the job runs with batches of 2 works and its progress
listener raises SystemExit right after the first batch commits, so the job is left `running`
with that batch in the database, as a SIGKILL between batches leaves it. Starting the app then
runs the recovery (its lifespan), as a restarted server does.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from functools import partial

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from clearinghouse.access.domain import Role
from clearinghouse.api.app import create_app
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.core.tables import AuditEvent
from clearinghouse.registry import import_job, import_reading
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_job import KIND, ImportRequest, dedupe_key, run_import
from clearinghouse.registry.tables import Holding, Work, WorkIdentifier
from clearinghouse.search.tables import SearchDocument
from tests.registry.test_import import post
from tests.support.factories import make_actor, principal

CATALOGUE = ("ref,type,title,identifiers,rights,share,territories,valid_from,warranty\n" + "".join(
    f"w{i},sound_recording,录音 {i},isrc:CN-A01-17-0000{i},master_use,100,WORLD,2020-01-01,yes\n"
    for i in range(1, 7))).encode()


class Crash(SystemExit):
    """Ends the job's thread the way a killed process ends it: nothing after it runs."""


def count(sessions, model) -> int:
    with unit_of_work(sessions) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def crash(runner: JobRunner) -> None:
    raise Crash()


def shut_down(runner: JobRunner) -> None:
    runner._stop.set()  # what JobRunner.shutdown does first; the job stops at its next batch


def keyboard(runner: JobRunner) -> None:
    raise KeyboardInterrupt  # Ctrl-C during `clearinghouse works import`


def run_until(sessions, owner, tmp_path, *, all_or_nothing: bool, cut, stage: str = "writing") -> str:
    """Run an import (with the dedupe key the API gives it) and call `cut(runner)` as soon as
    the first batch of `stage` is done; returns the job id."""
    path = tmp_path / "catalogue.csv"
    path.write_bytes(CATALOGUE)
    options = ImportOptions(filename=path.name, all_or_nothing=all_or_nothing)
    file = import_reading.scan(path, options)
    key = dedupe_key(hashlib.sha256(CATALOGUE).hexdigest(), file, options)
    with unit_of_work(sessions) as s:
        who = principal(s, owner)
        job, _ = jobs.submit(s, kind=KIND, owner_party_id=owner.party_id, dedupe_key=key)
    runner = JobRunner(sessions, sessions)

    def listener(done: int, total: int | None, at: str | None) -> None:
        if at == stage:
            cut(runner)

    raised = {crash: Crash, keyboard: KeyboardInterrupt}.get(cut)
    with pytest.raises(raised) if raised else nullcontext():
        runner.run_here(job.id, partial(run_import, request=ImportRequest(file, who, options)),
                        listener)
    return job.id


def restart(settings):
    """Start the app on the same database: its lifespan recovers interrupted jobs."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return TestClient(create_app(settings))


def job_of(client, owner, job_id: str) -> dict:
    return client.get(f"/api/v1/jobs/{job_id}", headers=owner.headers).json()


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(import_job, "BATCH", 2)


def test_an_all_or_nothing_import_a_crash_cut_short_is_undone_at_the_next_start(
    settings, sessions, tmp_path
):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=True, cut=crash)
    assert count(sessions, Work) == 2  # the first batch was committed when the process died
    with unit_of_work(sessions) as s:
        assert jobs.get_job(s, principal(s, owner), job_id).status == "running"

    with restart(settings) as client:
        job = job_of(client, owner, job_id)
        assert job["status"] == "failed"
        assert "all-or-nothing" in job["error"] and "nothing of the file was imported" in job["error"]
        assert "2 works it had written were deleted again" in job["error"]
        for model in (Work, Holding, WorkIdentifier, SearchDocument):
            assert count(sessions, model) == 0, model
        with unit_of_work(sessions) as s:
            undo = s.scalars(select(AuditEvent).where(AuditEvent.action == "works.import.undo",
                                                      AuditEvent.entity_id == job_id)).one()
        assert undo.after["works_deleted"] == 2
        # Nothing of it remains, so the same file may be sent again, and is imported whole.
        again = post(client, owner, CATALOGUE, all_or_nothing="true")
        assert again.status_code == 202 and again.json()["id"] != job_id
        client.app.state.jobs.wait_idle(timeout=120)
        assert job_of(client, owner, again.json()["id"])["result"]["accepted"] == 6
    assert count(sessions, Work) == 6


def test_a_default_import_a_crash_cut_short_says_what_it_wrote_and_is_not_repeated(
    settings, sessions, tmp_path
):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=False, cut=crash)
    with restart(settings) as client:
        job = job_of(client, owner, job_id)
        assert job["status"] == "failed"
        assert ("2 works were written: the rows up to row 3 (the first 2 of the file's 6 works)"
                in job["error"])
        assert "send the rows after row 3 as a new file" in job["error"]
        assert count(sessions, Work) == 2  # what was written stays, whole
        assert count(sessions, Holding) == 2 and count(sessions, SearchDocument) == 2
        # The same file again is refused clearly: it returns this job and imports nothing twice.
        again = post(client, owner, CATALOGUE)
        assert again.status_code == 200 and again.json()["id"] == job_id
        client.app.state.jobs.wait_idle(timeout=120)
    assert count(sessions, Work) == 2


def test_an_import_a_crash_cut_short_before_it_wrote_may_be_sent_again(settings, sessions, tmp_path):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=False, cut=crash, stage="checking")
    with restart(settings) as client:
        job = job_of(client, owner, job_id)
        assert job["status"] == "failed" and "before it had written anything" in job["error"]
        again = post(client, owner, CATALOGUE)
        assert again.status_code == 202 and again.json()["id"] != job_id
        client.app.state.jobs.wait_idle(timeout=120)
    assert count(sessions, Work) == 6


def test_an_all_or_nothing_import_stopped_by_a_shutdown_takes_back_its_batches(
    settings, sessions, tmp_path
):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=True, cut=shut_down)
    assert count(sessions, Work) == 0
    with unit_of_work(sessions) as s:
        job = jobs.get_job(s, principal(s, owner), job_id)
    assert job.status == "failed" and job.dedupe_key is None
    assert job.error.startswith("interrupted: the server shut down while this job ran")
    assert "nothing of the file was imported" in job.error


def test_a_default_import_stopped_by_a_shutdown_says_what_it_wrote(settings, sessions, tmp_path):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=False, cut=shut_down)
    with unit_of_work(sessions) as s:
        job = jobs.get_job(s, principal(s, owner), job_id)
    assert job.status == "failed" and job.dedupe_key is not None
    assert "2 works were written: the rows up to row 3" in job.error
    assert count(sessions, Work) == 2


def test_an_all_or_nothing_import_stopped_from_the_keyboard_takes_back_its_batches(sessions, tmp_path):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    job_id = run_until(sessions, owner, tmp_path, all_or_nothing=True, cut=keyboard)
    assert count(sessions, Work) == 0 and count(sessions, Holding) == 0
    with unit_of_work(sessions) as s:
        job = jobs.get_job(s, principal(s, owner), job_id)
    assert job.status == "failed" and job.dedupe_key is None  # nothing remains: send it again
