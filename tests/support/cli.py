"""Run the real `clearinghouse` CLI in-process against a given data directory and database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearinghouse.core.settings import get_settings


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, data_dir: Path, db_url: str) -> None:
        monkeypatch.setenv("CLEARINGHOUSE_DATA_DIR", str(data_dir))
        monkeypatch.setenv("CLEARINGHOUSE_DATABASE_URL", db_url)
        get_settings.cache_clear()
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # noqa: ANN204, A002
        from clearinghouse.cli.main import app

        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str):  # noqa: ANN201
    yield Cli(monkeypatch, tmp_path / "data", db_url)
    get_settings.cache_clear()
