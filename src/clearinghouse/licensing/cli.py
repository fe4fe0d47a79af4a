"""The licensing feature's commands (cli/main.py loads them): each part adds its own."""

from __future__ import annotations

import typer

from clearinghouse.licensing.catalogue import cli as catalogue_cli
from clearinghouse.licensing.licenses import cli as license_cli


def register(app: typer.Typer) -> None:
    catalogue_cli.register(app)
    license_cli.register(app)
