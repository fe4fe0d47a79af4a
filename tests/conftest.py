"""Test setup: real SQLite and a real PostgreSQL 15 cluster, a fresh migrated database per test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from clearinghouse.core.db import make_engine, session_factory
from clearinghouse.core.migrate import upgrade
from clearinghouse.wiring import wire
from tests.support.postgres import PostgresUnavailable, start_cluster

# As the app and the CLI do: registry writes through services reach the search index.
wire()

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip locally with the reason; in CI a missing part is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"required test dependency unavailable in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    external = os.environ.get("CLEARINGHOUSE_TEST_POSTGRES_URL")
    if external:
        yield external.rstrip("/")
        return
    try:
        cluster = start_cluster()
    except PostgresUnavailable as exc:
        unavailable(str(exc))
        return
    try:
        yield cluster.url
    finally:
        cluster.stop()


def _admin(server: str) -> Engine:
    return create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    name = f"ch_template_{uuid.uuid4().hex[:8]}"
    admin = _admin(postgres_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"{postgres_server}/{name}")
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


def fresh_sqlite_url(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "clearinghouse.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each engine the product supports."""
    if request.param == "sqlite":
        yield fresh_sqlite_url(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    server = request.getfixturevalue("postgres_server")
    yield from _database_from(server, request.getfixturevalue("postgres_template"))


@pytest.fixture(scope="session")
def demo_sqlite_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo market loaded once into a migrated SQLite file; tests take copies."""
    from clearinghouse.core.db import unit_of_work
    from clearinghouse.demo.loader import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(session_factory(engine)) as s:
        load_demo(s)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def demo_postgres_template(postgres_server: str, postgres_template: str) -> str:
    from clearinghouse.core.db import unit_of_work
    from clearinghouse.demo.loader import load_demo

    name = f"ch_demo_{uuid.uuid4().hex[:8]}"
    admin = _admin(postgres_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    admin.dispose()
    engine = make_engine(f"{postgres_server}/{name}")
    with unit_of_work(session_factory(engine)) as s:
        load_demo(s)
    engine.dispose()
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database holding the demo market, on each engine (loaded once per run, then copied)."""
    if request.param == "sqlite":
        yield fresh_sqlite_url(request.getfixturevalue("demo_sqlite_template"), tmp_path)
        return
    server = request.getfixturevalue("postgres_server")
    yield from _database_from(server, request.getfixturevalue("demo_postgres_template"))


def _database_from(server: str, template: str) -> Iterator[str]:
    name = f"ch_test_{uuid.uuid4().hex[:12]}"
    admin = _admin(server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return fresh_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine):  # noqa: ANN201
    return session_factory(engine)


@pytest.fixture
def settings(db_url: str, tmp_path: Path):  # noqa: ANN201
    from clearinghouse.core.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, max_body_bytes=65_536)


@pytest.fixture
def client(settings):  # noqa: ANN001, ANN201
    from fastapi.testclient import TestClient

    from clearinghouse.api.app import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def dialect_of(url: str) -> str:
    return make_url(url).get_backend_name()


from tests.support.cli import cli  # noqa: E402,F401  (fixture)
from tests.support.spark import spark  # noqa: E402,F401  (fixture)
