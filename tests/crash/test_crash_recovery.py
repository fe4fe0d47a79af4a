"""SIGKILL the server in the middle of purchases, payments and imports; restart it on the same data.

Nothing may be half-written: a license is there with its lines, payment, certificate and (once
paid) its ledger entries, or not at all; an imported work is there with its holdings,
identifiers and search entry, or not at all. Every idempotency key replays to the license it
bought, and never buys a second one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearinghouse.core.db import make_engine
from clearinghouse.core.jobs.tables import Job
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.licenses.tables import License, Payment
from clearinghouse.registry.tables import Holding, Work, WorkIdentifier, WorkTag
from clearinghouse.search.tables import SearchDocument
from tests.crash.storm import BRAND, IMPORT_RIGHTS, OWNER, Storm, import_isrc, make_quotes
from tests.support.integrity import purchase_problems
from tests.support.server import ServerProcess, clearinghouse_env, free_port, run_cli

PURCHASES = 24
BUSY = 503
ACCEPTED = 202  # an import is a job, started
KILL_AFTER = PURCHASES // 3


@dataclass
class Install:
    data_dir: Path
    database_url: str | None  # None: the embedded SQLite in the data directory

    @property
    def url(self) -> str:
        return Settings(data_dir=self.data_dir, database_url=self.database_url).resolved_database_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def install(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Install]:
    url = request.getfixturevalue("new_postgres_database")() if request.param == "postgres" else None
    yield Install(tmp_path / "data", url)


def _import_problems(session: Session, storm: Storm, owner_id: str) -> list[str]:
    """Each imported work is whole: its identifier, tag, holding and search entry as submitted."""
    problems = []
    works = session.scalars(select(Work).where(Work.title.like("崩溃测试 b%"))).all()
    by_batch: dict[int, list[Work]] = defaultdict(list)
    for work in works:
        batch, row = (int(part[1:]) for part in work.title.split()[1:])
        by_batch[batch].append(work)
        holdings = session.scalars(select(Holding).where(Holding.work_id == work.id)).all()
        identifiers = session.execute(
            select(WorkIdentifier.scheme, WorkIdentifier.value).where(WorkIdentifier.work_id == work.id)
        ).all()
        tags = session.scalars(select(WorkTag.tag).where(WorkTag.work_id == work.id)).all()
        indexed = session.scalar(select(func.count()).select_from(SearchDocument)
                                 .where(SearchDocument.work_id == work.id))
        whole = (
            [(h.holder_id, sorted(h.rights), h.share_ppm) for h in holdings]
            == [(owner_id, IMPORT_RIGHTS, 1_000_000)]
            and [tuple(i) for i in identifiers] == [("isrc", import_isrc(batch, row))]
            and list(tags) == ["crash-test"]
            and indexed == 1
        )
        if not whole:
            problems.append(f"work {work.id} ({work.title}) is half-written")
    # An import is a job; a 30-row file is one batch, one transaction: after the crash each file
    # is whole or absent. A job that finished says so; one the kill cut short was marked failed
    # at the restart, and may or may not have committed its single batch.
    jobs = {j.id: j for j in session.scalars(select(Job))}
    for batch, sent in storm.imports.items():
        count = len(by_batch.pop(batch, []))
        job = jobs.get((sent.body or {}).get("id", "")) if sent.status == ACCEPTED else None
        if job is not None and job.status not in ("succeeded", "failed"):
            problems.append(f"import {batch}: job {job.id} still {job.status} after the restart")
        whole = {storm.rows_per_import} if job is not None and job.status == "succeeded" else \
            {0, storm.rows_per_import}
        expected = {0} if sent.status in (BUSY, 422) else whole
        if count not in expected:
            problems.append(f"import {batch} ({sent.status}) left {count} of {storm.rows_per_import} works")
    if by_batch:
        problems.append(f"works from imports that were never sent: {sorted(by_batch)}")
    return problems


@pytest.mark.slow
def test_a_killed_server_leaves_nothing_half_written_and_every_key_replays(install: Install, tmp_path: Path) -> None:
    port = free_port()
    env = clearinghouse_env(install.data_dir, port, install.database_url)
    loaded = run_cli(env, "demo", "--no-serve", "--json")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    demo_licences = _licence_ids(install.url)  # the demo's own (its platforms' running licences)
    server = ServerProcess(env, port, tmp_path / "server.log")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            quotes = make_quotes(http, PURCHASES)
            owner_id = http.get("/api/v1/me", headers=OWNER).json()["id"]
        storm = Storm(server.url, quotes)
        storm.run_until_killed(server.kill, after_purchases=KILL_AFTER)
        answered = [s for s in storm.purchases.values() if s.status is not None]
        # 503 "busy, retry shortly" is an honest answer on SQLite when imports hold the write lock
        # for long; it must have bought nothing (checked by the replay below).
        refused = [(s.status, s.body) for s in answered if s.status not in (201, BUSY)]
        assert refused == [], refused
        assert len(answered) >= KILL_AFTER and any(s.status == 201 for s in answered)
        assert {s.status for s in storm.imports.values()} <= {ACCEPTED, BUSY, None}
        assert storm.cut_off() >= 1  # the kill did land in the middle of requests

        server.start()  # the same data directory and database, after the crash
        engine = make_engine(install.url)
        try:
            with Session(engine) as session:
                assert purchase_problems(session) == []
                assert _import_problems(session, storm, owner_id) == []
                paid = set(session.scalars(select(Payment.id).where(Payment.status == "paid")))
            assert {p for p, s in storm.payments.items() if s.status == 200} <= paid
            assert {p for p, s in storm.payments.items() if s.status == BUSY} & paid == set()

            replayed = _replay_every_key(server.url, storm)
            with Session(engine) as session:
                mine = session.execute(select(License.idempotency_key, License.id)
                                       .where(License.id.not_in(demo_licences))).all()
            assert len(mine) == len(replayed)  # one license per key sent: none doubled
            assert dict(mine) == replayed  # and none lost
        finally:
            engine.dispose()
    finally:
        server.stop()


def _licence_ids(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return set(session.scalars(select(License.id)))
    finally:
        engine.dispose()


def _replay_every_key(base_url: str, storm: Storm) -> dict[str, str]:
    """Send every purchase again with its key: one answered 201 must return the same license
    (200); one answered 503 bought nothing, so it buys now (201); one cut off returns the license
    it made (200) or, if it never committed, buys now (201). Then the key is settled: 200, the
    same license."""
    licenses: dict[str, str] = {}
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for quote, sent in storm.purchases.items():
            def again() -> httpx.Response:
                return http.post(f"/api/v1/quotes/{quote}/purchase", headers=BRAND | {"Idempotency-Key": quote})  # noqa: B023

            first = again()
            if sent.status == 201:
                assert first.status_code == 200 and first.json()["id"] == sent.body["id"], first.text  # type: ignore[index]
            elif sent.status == BUSY:
                assert first.status_code == 201, first.text
            else:
                assert first.status_code in (200, 201), first.text
            settled = again()
            assert settled.status_code == 200 and settled.json()["id"] == first.json()["id"], settled.text
            licenses[quote] = first.json()["id"]
    return licenses
