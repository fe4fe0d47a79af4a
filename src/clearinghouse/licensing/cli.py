"""The licensing feature's commands (cli/main.py loads them): each part adds its own."""

from __future__ import annotations

import typer

from clearinghouse.licensing import catalogue_cli, license_cli


def register(app: typer.Typer) -> None:
    catalogue_cli.register(app)
    license_cli.register(app)
