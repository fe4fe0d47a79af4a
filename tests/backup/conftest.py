"""Backup tests: a loaded clearinghouse (a paid license with its certificate and a delivered file,
an unpaid one) and the real CLI run in-process against any data directory and database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearinghouse.core.settings import get_settings
from tests.licensing.purchase_support import (
    Market,
    bought_and_paid,
    buy,
    make_market,
    make_quote,
    use_of,
)
from tests.support.databases import new_postgres_database  # noqa: F401  (fixture)

SONG = "月光 Moonlight — master.wav".encode() + bytes(range(256)) * 40


class InProcessCli:
    """`clearinghouse …` with its settings taken from the given data directory and database."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.runner = CliRunner()

    def __call__(self, *args: Any, data_dir: Path, database_url: str | None = None) -> Any:
        from clearinghouse.cli.main import app

        self.monkeypatch.setenv("CLEARINGHOUSE_DATA_DIR", str(data_dir))
        if database_url:
            self.monkeypatch.setenv("CLEARINGHOUSE_DATABASE_URL", database_url)
        else:
            self.monkeypatch.delenv("CLEARINGHOUSE_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        try:
            return self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        finally:
            get_settings.cache_clear()

    def json(self, *args: Any, data_dir: Path, database_url: str | None = None) -> Any:
        result = self(*args, "--json", data_dir=data_dir, database_url=database_url)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def ch(monkeypatch: pytest.MonkeyPatch) -> InProcessCli:
    return InProcessCli(monkeypatch)


@dataclass
class World:
    market: Market
    license: dict[str, Any]  # paid and active, with a certificate
    pending: dict[str, Any]  # bought, not paid
    certificate: dict[str, Any]
    link_token: str  # a download link handed out before the backup


def load_world(client: Any, sessions: Any) -> World:
    m = make_market(sessions)
    uploaded = client.put(
        f"/api/v1/works/{m.work_id}/file", content=SONG, params={"file_name": "moonlight.wav"},
        headers=m.publisher.headers | {"Content-Type": "application/octet-stream"},
    )
    assert uploaded.status_code == 200, uploaded.text
    lic = bought_and_paid(client, sessions, m)
    quote = make_quote(sessions, m.licensee, use=use_of(m.work_id, channels=["bilibili"]))
    pending = buy(client, m.licensee, quote)
    assert pending.status_code == 201, pending.text
    certificate = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=m.licensee.headers)
    assert certificate.status_code == 200, certificate.text
    links = client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    assert links.status_code == 200, links.text
    token = links.json()["links"][0]["token"]
    assert client.get(f"/api/v1/downloads/{token}").content == SONG
    return World(m, lic, pending.json(), certificate.json(), token)
