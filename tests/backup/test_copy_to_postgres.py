"""`clearinghouse db copy-to`: a SQLite installation moved to PostgreSQL is the same
clearinghouse there; an occupied target is refused; a copy cut short leaves nothing and can be
run again, and the SQLite database is never changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import JSON, Engine, func, select

from clearinghouse.api.app import create_app
from clearinghouse.backup import transfer
from clearinghouse.backup.domain import TargetNotEmpty
from clearinghouse.backup.transfer_domain import SEEDED_BY_MIGRATIONS, TransferFailed
from clearinghouse.backup.transfer_repository import ledger_sums, row_counts, table_names
from clearinghouse.core.db import Base, make_engine, session_factory
from clearinghouse.core.settings import Settings
from tests.backup.conftest import SONG, World, load_world
from tests.licensing.purchase_support import buy, make_quote, use_of
from tests.support.integrity import purchase_problems, rows_by_table

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

COPIED = [t.name for t in Base.metadata.sorted_tables if t.name != "search_documents"]


@pytest.fixture
def world(client, sessions) -> World:  # noqa: ANN001
    return load_world(client, sessions)


@pytest.fixture
def target(new_postgres_database) -> str:  # noqa: ANN001
    return new_postgres_database()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data_rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            counts = row_counts(conn, [t for t in Base.metadata.sorted_tables])
    finally:
        engine.dispose()
    return {name: n for name, n in counts.items() if n and name not in SEEDED_BY_MIGRATIONS}


def _table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return table_names(conn)
    finally:
        engine.dispose()


def _sql_nulls_in_json(engine: Engine) -> dict[str, int]:
    """Per JSON column, rows holding SQL NULL (as opposed to JSON `null`, which the ORM writes
    for None): both read back as None, so a naive copy would turn one into the other."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, JSON) or isinstance(getattr(column.type, "impl", None), JSON):
                    out[f"{table.name}.{column.name}"] = conn.scalar(
                        select(func.count()).select_from(table).where(column.is_(None)))
    return out


def _books(engine: Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        return ledger_sums(conn)


def test_a_copied_installation_is_the_same_clearinghouse_on_postgresql(
    world, client, engine, settings, db_url, target, ch
) -> None:  # noqa: ANN001
    on_sqlite = client.get("/api/v1/works", params={"q": "月光"}).json()["items"]
    # A plain postgresql:// URL, as an operator would type it: the shipped driver is used.
    plain = target.replace("postgresql+psycopg://", "postgresql://")
    out = ch.json("db", "copy-to", "--database-url", plain, "--batch-rows", 2,
                  data_dir=settings.data_dir, database_url=db_url)
    assert out["certificate_verified"] in (world.license["id"], world.pending["id"])
    assert out["rows_by_table"]["licenses"] == 2 and out["search_documents"] >= 1

    moved = Settings(data_dir=settings.data_dir, database_url=target)
    target_engine = make_engine(target)
    try:
        # Every row of every table as it was: ids, JSON (SQL NULL and JSON null apart), integer
        # money, UTC timestamps to the microsecond.
        assert rows_by_table(target_engine, COPIED) == rows_by_table(engine, COPIED)
        assert _books(target_engine) == _books(engine)
        assert _sql_nulls_in_json(target_engine) == _sql_nulls_in_json(engine)
        with session_factory(target_engine)() as s:
            assert purchase_problems(s) == []

        with TestClient(create_app(moved), raise_server_exceptions=False) as app:
            assert app.get("/api/v1/works", params={"q": "月光"}).json()["items"] == on_sqlite
            verified = app.post("/api/v1/certificates/verify", json=world.certificate)
            assert verified.status_code == 200 and verified.json()["result"] == "valid", verified.text
            assert app.get(f"/api/v1/downloads/{world.link_token}").content == SONG  # files stay put
            # New rows get new ids after the copied ones (the sequences were moved on): a new
            # download link and a new purchase with its events and ledger entries.
            link = app.post(f"/api/v1/licenses/{world.license['id']}/download-link",
                            headers=world.market.licensee.headers)
            assert link.status_code == 200, link.text
            m = world.market
            quote = make_quote(session_factory(target_engine), m.licensee, use=use_of(m.work_id))
            bought = buy(app, m.licensee, quote)
            assert bought.status_code == 201, bought.text
    finally:
        target_engine.dispose()


def test_a_target_that_holds_data_is_refused_and_left_alone(
    world, settings, db_url, target, ch
) -> None:  # noqa: ANN001
    ch.json("db", "copy-to", "--database-url", target, data_dir=settings.data_dir, database_url=db_url)
    before = _data_rows(target)

    again = ch("db", "copy-to", "--database-url", target, data_dir=settings.data_dir, database_url=db_url)

    assert again.exit_code == 5, again.output
    assert "not empty" in " ".join(again.output.split())
    assert _data_rows(target) == before


def test_a_copy_cut_short_leaves_no_data_the_source_unchanged_and_can_run_again(
    world, engine, settings, db_url, target, ch
) -> None:  # noqa: ANN001
    source_file = Path(engine.url.database or "")
    engine.dispose()  # nothing of the test holds the SQLite file open
    rows_before, file_before = rows_by_table(engine), _sha256(source_file)

    def crash_after_five_tables(table: str, rows: int) -> None:  # noqa: ARG001
        crash_after_five_tables.seen += 1  # type: ignore[attr-defined]
        if crash_after_five_tables.seen == 5:  # type: ignore[attr-defined]
            raise KeyboardInterrupt  # as an operator's Ctrl-C, half-way through the tables

    crash_after_five_tables.seen = 0  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        transfer.copy_to_postgres(settings, target, on_table=crash_after_five_tables)

    assert _data_rows(target) == {}  # the copied tables were rolled back with the rest
    assert rows_by_table(engine) == rows_before and _sha256(source_file) == file_before

    out = ch.json("db", "copy-to", "--database-url", target, data_dir=settings.data_dir, database_url=db_url)
    assert out["certificate_verified"] in (world.license["id"], world.pending["id"])
    assert _data_rows(target)["licenses"] == 2


def test_the_copy_refuses_a_database_that_is_not_ours(settings, target) -> None:  # noqa: ANN001
    other = make_engine(target)
    with other.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (id int)")
    other.dispose()
    with pytest.raises(TargetNotEmpty, match="already holds tables"):
        transfer.copy_to_postgres(settings, target)


def test_a_copy_without_the_signing_keys_says_what_is_missing(world, settings, target, tmp_path) -> None:  # noqa: ANN001
    elsewhere = Settings(data_dir=tmp_path / "no-keys", database_url=settings.database_url)
    (tmp_path / "no-keys").mkdir()
    with pytest.raises(TransferFailed, match="no signing keys"):
        transfer.copy_to_postgres(elsewhere, target)
    assert _table_names(target) == []  # refused before anything was written, not even migrated
