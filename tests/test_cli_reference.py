"""docs/cli.md is generated from --help; it must match the commands users actually have."""

from __future__ import annotations

from pathlib import Path

from scripts.cli_reference import render


def test_cli_reference_is_current():
    doc = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    assert doc.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run `.venv/bin/python -m scripts.cli_reference`"
    )
