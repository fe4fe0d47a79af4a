"""`clearinghouse`: the command line, assembled from each feature's commands."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_record
from clearinghouse.core.settings import get_settings

app = typer.Typer(help="Clearinghouse: register works, price licenses, quote, buy and verify.",
                  no_args_is_help=True, add_completion=False)

# (module, attribute, command name) of each feature's Typer app.
FEATURE_CLIS = (
    ("clearinghouse.registry.cli", "parties_app", "parties"),
    ("clearinghouse.registry.cli", "keys_app", "keys"),
    ("clearinghouse.registry.cli", "mandates_app", "mandates"),
    ("clearinghouse.registry.cli", "works_app", "works"),
    ("clearinghouse.search.cli", "register", None),
    ("clearinghouse.registry.import_cli", "register", None),
    ("clearinghouse.licensing.cli", "register", None),
    ("clearinghouse.backup.cli", "register", None),
)


def _load_features() -> None:
    for module_name, attr, name in FEATURE_CLIS:
        target = getattr(importlib.import_module(module_name), attr)
        if name is None:
            target(app)  # the feature adds its own commands
        else:
            app.add_typer(target, name=name)


@app.command()
def init(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Create the data directory and database, and the operator party with a first API key."""
    from clearinghouse.demo.bootstrap import ensure_operator

    with database() as db:
        result = ensure_operator(db)
    settings = get_settings()
    out = {"data_dir": str(settings.data_dir.resolve()), "database": settings.resolved_database_url, **result}
    if as_json:
        emit_json(out)
    else:
        emit_record(out, "clearinghouse initialised")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API (and, later, the web pages)."""
    import uvicorn

    with database():
        pass  # migrate before serving
    uvicorn.run("clearinghouse.api.app:create_app", host=host, port=port, workers=workers, factory=True)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve when loaded")] = True,
    port: int = 8000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load the generated demo data (safe to run again) and print a key for each demo role."""
    from clearinghouse.demo.loader import load_demo, print_credentials

    with database() as db:
        credentials = load_demo(db)
    if as_json:
        emit_json(credentials)
    else:
        print_credentials(credentials)
    if serve_after:
        serve(port=port)


@app.command()
def version() -> None:
    from clearinghouse import __version__

    typer.echo(__version__)


_load_features()

if __name__ == "__main__":
    app()
