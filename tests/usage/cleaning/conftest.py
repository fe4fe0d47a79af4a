"""Generated traffic, staged once per session and cleaned on DuckDB (the default engine)."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from clearinghouse.usage.cleaning import Cleaned, clean_event_file
from tests.usage.cleaning.logs import stage_bytes
from tests.usage.cleaning.traffic import Traffic, generate


@pytest.fixture(scope="session")
def traffic() -> Traffic:
    return generate(seed=14)


@pytest.fixture(scope="session")
def traffic_events(traffic: Traffic, tmp_path_factory: pytest.TempPathFactory) -> Path:
    staged, events, _ = stage_bytes(traffic.csv_bytes(), tmp_path_factory.mktemp("traffic"))
    assert staged.rejections == 0
    return events


@pytest.fixture()
def duckdb() -> ibis.BaseBackend:
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


@pytest.fixture(scope="session")
def cleaned_traffic(traffic_events: Path) -> Cleaned:
    return clean_event_file(ibis.duckdb.connect(), str(traffic_events))
