"""`clearinghouse ledger …`: a thin shell over the ledger service."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_table, local_operator
from clearinghouse.ledger import service
from clearinghouse.ledger.schemas import balance_out

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]

ledger_app = typer.Typer(help="Ledger balances and entries.", no_args_is_help=True)


@ledger_app.command("balances")
def ledger_balances(
    party: Annotated[str | None, typer.Option(help="One party's accounts")] = None,
    as_json: JsonOpt = False,
) -> None:
    with database() as db:
        rows = [
            balance_out(b).model_dump(mode="json")
            for b in service.balances(db, local_operator(db), party)
        ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        [{**r, "balance": r["balance"]["display"]} for r in rows],
        ["account", "balance"],
        title="balances",
    )
