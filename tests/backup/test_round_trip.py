"""Back up a running clearinghouse, restore it somewhere new, and get the same clearinghouse back."""

from __future__ import annotations

import stat
import threading
import time
import uuid

import httpx
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.api.app import create_app
from clearinghouse.backup import restore as restore_service
from clearinghouse.backup import service as backup_service
from clearinghouse.backup.stores import StoredFiles
from clearinghouse.core.db import make_engine
from clearinghouse.core.errors import Conflict
from clearinghouse.core.migrate import alembic_config
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.certificates import x509 as signing
from clearinghouse.licensing.licenses.tables import License
from tests.backup.conftest import SONG, load_world
from tests.conftest import dialect_of
from tests.licensing.purchase_support import make_market, make_quote, use_of
from tests.support.integrity import purchase_problems, rows_by_table
from tests.support.server import serving

APPEND_ONLY = ["ledger_entries", "ledger_postings", "license_lines"]


def _key_files(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.keys_dir.iterdir())}


def test_a_restored_copy_verifies_certificates_keeps_the_ledger_and_serves_the_files(
    client, sessions, settings, engine, db_url, tmp_path, ch, request
) -> None:  # noqa: ANN001
    world = load_world(client, sessions)
    archive = tmp_path / "backups" / "nightly.tar.gz"
    with serving(settings):  # backed up while a server runs (on SQLite its WAL is not checkpointed)
        made = ch.json("backup", archive, data_dir=settings.data_dir, database_url=db_url)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds the private keys
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert (made["database"], made["schema_revision"]) == (dialect_of(db_url), head)
    assert (made["signing_keys"], made["stored_files"], made["missing_files"]) == (1, 1, [])

    target_url = None
    if dialect_of(db_url) == "postgresql":
        target_url = request.getfixturevalue("new_postgres_database")()
    restored = Settings(data_dir=tmp_path / "restored", database_url=target_url)
    extra = ["--database-url", target_url] if target_url else []
    ch.json("restore", archive, "--data-dir", restored.data_dir, *extra,
            data_dir=tmp_path / "elsewhere")

    restored_engine = make_engine(restored.resolved_database_url)
    try:
        # Every row of every table, the ledger included, is as it was.
        assert rows_by_table(restored_engine) == rows_by_table(engine)
        with Session(restored_engine) as s:
            assert purchase_problems(s) == []
    finally:
        restored_engine.dispose()
    assert _key_files(restored) == _key_files(settings)
    assert set(signing.FILES) <= set(_key_files(restored))  # the PDF / C2PA chain came along

    with TestClient(create_app(restored), raise_server_exceptions=False) as app:
        verified = app.post("/api/v1/certificates/verify", json=world.certificate)
        assert verified.status_code == 200 and verified.json()["result"] == "valid", verified.text
        # The link handed out before the backup still works: the link secret came along too.
        old_link = app.get(f"/api/v1/downloads/{world.link_token}")
        assert old_link.status_code == 200 and old_link.content == SONG
        links = app.post(f"/api/v1/licenses/{world.license['id']}/download-link",
                         headers=world.market.licensee.headers)
        assert app.get(f"/api/v1/downloads/{links.json()['links'][0]['token']}").content == SONG
        found = app.get("/api/v1/works", params={"q": "月光"}).json()["items"]
        assert [w["id"] for w in found] == [world.market.work_id]  # the search index came along
        still_pending = app.get(f"/api/v1/licenses/{world.pending['id']}", headers=world.market.licensee.headers)
        assert still_pending.json()["status"] == "pending_payment"

    if target_url:  # the database is not empty any more: a second restore into it is refused
        again = ch("restore", archive, "--data-dir", tmp_path / "second", "--database-url", target_url,
                   data_dir=tmp_path / "elsewhere")
        assert again.exit_code == 5 and "already has" in again.output, again.output
        assert not (tmp_path / "second").exists()


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_backup_taken_while_licenses_are_bought_and_paid_holds_only_whole_purchases(
    sessions, settings, engine, db_url, tmp_path, ch
) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quotes = [make_quote(sessions, m.licensee, use=use_of(m.work_id))
              for _ in range(40)]
    finished: list[str] = []
    stop = threading.Event()
    failures: list[str] = []

    def buy_and_pay(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            for i, quote in enumerate(quotes):
                if stop.is_set():
                    return
                lic = http.post(f"/api/v1/quotes/{quote}/purchase",
                                headers=m.licensee.headers | {"Idempotency-Key": quote})
                if lic.status_code != 201:
                    failures.append(lic.text)
                    return
                if i % 2 == 0:  # half are paid, so the ledger grows while the backup runs
                    paid = http.post(f"/api/v1/payments/{lic.json()['payment']['id']}/mark-paid",
                                     json={"reference": f"BANK-{i}"}, headers=m.operator.headers)
                    if paid.status_code != 200:
                        failures.append(paid.text)
                        return
                finished.append(lic.json()["id"])

    archive = tmp_path / "during.tar.gz"
    with serving(settings) as base:
        buyer = threading.Thread(target=buy_and_pay, args=(base,))
        buyer.start()
        deadline = time.monotonic() + 120
        while len(finished) < 3 and buyer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        done_before = list(finished)
        ch.json("backup", archive, data_dir=settings.data_dir, database_url=db_url)
        stop.set()
        buyer.join(timeout=120)
    assert failures == [] and len(done_before) >= 3

    restored = Settings(data_dir=tmp_path / "restored")
    ch.json("restore", archive, "--data-dir", restored.data_dir, data_dir=tmp_path / "elsewhere")
    restored_engine = make_engine(restored.resolved_database_url)
    try:
        with Session(restored_engine) as s:
            assert purchase_problems(s) == []
            ids = set(s.scalars(select(License.id)))
        copy = rows_by_table(restored_engine, APPEND_ONLY)
    finally:
        restored_engine.dispose()
    assert set(done_before) <= ids
    source = rows_by_table(engine, APPEND_ONLY)
    for table in APPEND_ONLY:  # what the copy holds is exactly what the source held
        assert all(row in source[table] for row in copy[table]), table


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_files_in_an_outside_store_are_backed_up_and_restored_into_an_empty_store(
    client, sessions, settings, tmp_path
) -> None:  # noqa: ANN001
    settings.file_store_url = f"memory://ch-source-{uuid.uuid4().hex}"
    load_world(client, sessions)
    archive = tmp_path / "a.tar.gz"
    assert backup_service.create_backup(settings, archive).manifest.under("files/")

    target_store = f"memory://ch-target-{uuid.uuid4().hex}"
    restored = Settings(data_dir=tmp_path / "restored", file_store_url=target_store)
    restore_service.restore_backup(archive, restored)
    source, target = StoredFiles(settings.files_url), StoredFiles(target_store)
    assert target.file_keys() == source.file_keys() != []
    assert all(target.open_read(k).read() == SONG for k in target.file_keys())
    assert not (restored.data_dir / "files").exists()
    with pytest.raises(Conflict, match="already holds files"):  # that store is not empty now
        restore_service.restore_backup(archive, Settings(data_dir=tmp_path / "r2", file_store_url=target_store))
    assert not (tmp_path / "r2").exists()
