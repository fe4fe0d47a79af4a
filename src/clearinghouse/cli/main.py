"""`clearinghouse`: the command line, assembled from each feature's commands."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

from clearinghouse import __version__
from clearinghouse.cli.context import database, emit_json, emit_record, session_factories
from clearinghouse.core.settings import get_settings
from clearinghouse.demo.bootstrap import ensure_operator
from clearinghouse.demo.loader import load_demo, print_credentials, seed_demo_usage
from clearinghouse.licensing.certificates.x509 import ROOT_CERT, ensure_signing_material

app = typer.Typer(help="Clearinghouse: register works, price licenses, quote, buy and verify.",
                  no_args_is_help=True, add_completion=False)

WORKER_HEALTHCHECK_SECONDS = 30

# (module, attribute, command name) of each feature's Typer app.
FEATURE_CLIS = (
    ("clearinghouse.registry.cli", "parties_app", "parties"),
    ("clearinghouse.registry.cli", "keys_app", "keys"),
    ("clearinghouse.registry.cli", "mandates_app", "mandates"),
    ("clearinghouse.registry.cli", "works_app", "works"),
    ("clearinghouse.registry.cli", "holdings_app", "holdings"),
    ("clearinghouse.search.cli", "register", None),
    ("clearinghouse.registry.import_cli", "register", None),
    ("clearinghouse.licensing.catalogue.cli", "register", None),
    ("clearinghouse.licensing.quotes.cli", "register", None),
    ("clearinghouse.licensing.purchases.cli", "register", None),
    ("clearinghouse.licensing.certificates.cli", "register", None),
    ("clearinghouse.licensing.licenses.cli", "register", None),
    ("clearinghouse.licensing.payments.cli", "register", None),
    ("clearinghouse.ledger.cli", "ledger_app", "ledger"),
    ("clearinghouse.platforms.cli", "platforms_app", "platforms"),
    ("clearinghouse.backup.cli", "register", None),
    ("clearinghouse.usage.cli", "usage_app", "usage"),
    ("clearinghouse.royalties.cli", "register", None),
    ("clearinghouse.analytics.cli", "analytics_app", "analytics"),
    ("clearinghouse.enforcement.cli", "register", None),
    ("clearinghouse.platforms.webhooks.cli", "webhooks_app", "webhooks"),
    ("clearinghouse.enforcement.notices.cli", "notices_app", "notices"),
    ("clearinghouse.identification.references.cli", "register", None),
    ("clearinghouse.identification.uploads.cli", "register", None),
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
    """Create the data directory and database, the operator party with a first API key.

    Also makes the operator's X.509 root CA and document-signing certificate (keys/operator-ca.crt:
    PDF and C2PA signatures)."""
    with database() as db:
        result = ensure_operator(db)
    settings = get_settings()
    ensure_signing_material(settings.keys_dir)
    out = {"data_dir": str(settings.data_dir.resolve()), "database": settings.resolved_database_url,
           "signing_ca": str((settings.keys_dir / ROOT_CERT).resolve()), **result}
    if as_json:
        emit_json(out)
    else:
        emit_record(out, "clearinghouse initialised")


def _resolve_base_url(host: str, port: int) -> str:
    """Settle the public address before anything prints or serves a link. Uvicorn builds the app
    (in every worker) from the environment, so the resolved value travels there."""
    url = get_settings().served_at(host, port).public_url
    os.environ["CLEARINGHOUSE_BASE_URL"] = url
    get_settings.cache_clear()
    return url


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API and the web pages.

    Certificates and links name this host and port unless CLEARINGHOUSE_BASE_URL is set; a
    public deployment sets it."""
    import uvicorn

    _resolve_base_url(host, port)
    with database():
        pass  # migrate before serving
    # X-Forwarded-For is believed only from CLEARINGHOUSE_TRUSTED_PROXIES (api/auth.py), so
    # uvicorn must not rewrite the client address itself (it trusts 127.0.0.1 by default).
    # Past `max_connections` open connections uvicorn answers 503 itself: the last bound on what
    # a flood of clients can hold (requests are bounded inside, by admission control).
    limit = get_settings().max_connections
    if workers > 1:
        # Each worker is a `spawn`ed interpreter that first re-imports the parent's __main__: this
        # CLI with every feature (~5 s of imports on a busy machine), past uvicorn's worker health
        # check, which then killed and respawned starting workers in a loop under load. Started
        # as `python -m uvicorn`, a worker imports uvicorn's small CLI instead; the check waits
        # for a worker that is still starting.
        os.execv(sys.executable, [
            sys.executable, "-m", "uvicorn", "clearinghouse.api.app:create_app", "--factory",
            "--host", host, "--port", str(port), "--workers", str(workers), "--no-proxy-headers",
            "--limit-concurrency", str(limit), "--timeout-keep-alive", "30",
            "--timeout-worker-healthcheck", str(WORKER_HEALTHCHECK_SECONDS),
        ])
    uvicorn.run("clearinghouse.api.app:create_app", host=host, port=port, workers=workers,
                factory=True, proxy_headers=False, limit_concurrency=limit, timeout_keep_alive=30)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve when loaded")] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    usage: Annotated[bool, typer.Option(
        "--usage/--no-usage", help="Also report and run the worked example's month")] = True,
) -> None:
    """Load the generated demo data (safe to run again) and print a key for each demo role.

    The address printed (and, when serving, in certificates and links) is this host and port
    unless CLEARINGHOUSE_BASE_URL is set; with --no-serve, the port you will serve on."""
    # Serving: the address must reach uvicorn's workers too; loading only, it is just printed.
    base_url = (_resolve_base_url(host, port) if serve_after
                else get_settings().served_at(host, port).public_url)
    with database() as db:
        credentials = load_demo(db, base_url)
    if usage:
        with session_factories() as (sessions, read_sessions):
            credentials["usage_period"] = seed_demo_usage(sessions, read_sessions, get_settings())
    if as_json:
        emit_json(credentials)
    else:
        print_credentials(credentials)
    if serve_after:
        # The demo has no bank: payments made on its web pages are settled at once (pages say so).
        os.environ.setdefault("CLEARINGHOUSE_DEMO_SETTLES_PAYMENTS", "true")
        get_settings.cache_clear()
        serve(host=host, port=port)


@app.command()
def version() -> None:
    typer.echo(__version__)


_load_features()

if __name__ == "__main__":
    app()
