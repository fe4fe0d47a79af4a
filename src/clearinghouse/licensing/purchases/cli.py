"""`clearinghouse license buy`: a quote becomes a license (purchases/service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from clearinghouse.cli.context import acting_as, database, err_console
from clearinghouse.core.settings import get_settings
from clearinghouse.licensing.licenses.cli import JsonOpt, license_app, license_json, show_license
from clearinghouse.licensing.purchases import service as purchase_service


def buy(
    quote_id: str,
    as_party: Annotated[str, typer.Option("--as", help="The licensee named on the quote")],
    key: Annotated[
        str | None, typer.Option("--idempotency-key", help="Repeat it to retry safely")
    ] = None,
    accept_partial: Annotated[bool, typer.Option("--accept-partial")] = False,
    expected_total: Annotated[
        int | None, typer.Option("--expected-total", help="Minor units")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Buy a quote (every line or none); prints the license and how to pay."""
    idem = key or str(uuid.uuid4())
    with database() as db:
        who = acting_as(db, as_party)
        assert who is not None  # --as is required
        result = purchase_service.purchase(
            db,
            who,
            purchase_service.PurchaseRequest(quote_id, accept_partial, expected_total),
            idem,
            get_settings(),
        )
        out = license_json(db, result.license)
    if not result.created:
        err_console.print(f"(already bought with this key: {out['id']})")
    show_license(out, as_json, "license")


def register(app: typer.Typer) -> None:
    """Adds to the `license` group (licenses/cli.py mounts it on `app`)."""
    del app
    license_app.command("buy")(buy)
