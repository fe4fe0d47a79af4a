"""`clearinghouse license payments | reconcile`: the operator's reconciliation from a terminal, the
same service as /operator/payments. The statement is read and checked whole before the database
is opened; without --confirm nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from clearinghouse.cli.context import database, emit_json, emit_table, fail, local_operator
from clearinghouse.core.errors import DomainError
from clearinghouse.core.money import Money
from clearinghouse.licensing.licenses.cli import JsonOpt, license_app
from clearinghouse.licensing.payments import service as reconciliation
from clearinghouse.licensing.payments.statement import MAX_STATEMENT_BYTES, read_statement


def pending_payments(as_json: JsonOpt = False) -> None:
    """Operator: payments started and not yet paid, oldest first."""
    with database() as db:
        rows = [{"reference": p.reference, "license": p.license_id, "payer": p.payer_name,
                 "amount": str(Money(p.currency, p.amount_minor)), "since": p.created_at}
                for p in reconciliation.pending(db, local_operator(db))]
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["reference", "license", "payer", "amount", "since"], "waiting for money")


def reconcile(
    statement: Annotated[Path, typer.Argument(help="The bank statement (CSV; see docs/payments.md)",
                                              exists=True, dir_okay=False, readable=True)],
    confirm: Annotated[bool, typer.Option("--confirm", help="Mark the matched payments paid "
                                          "(without it: only show what would match)")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Operator: match a bank statement's rows to payments by reference, amount and currency."""
    with statement.open("rb") as handle:
        raw = handle.read(MAX_STATEMENT_BYTES + 1)
    try:
        rows = read_statement(raw)
    except DomainError as exc:
        if isinstance(exc.details, list):
            for problem in exc.details:
                typer.echo(f"  {problem['field']}: {problem['message']}", err=True)
        fail(exc)
    with database() as db:
        result = reconciliation.reconcile(db, local_operator(db), rows, confirm=confirm)
    out: list[dict[str, Any]] = [
        {"line": o.row.line, "date": o.row.on, "amount": str(o.row.amount), "payer": o.row.payer,
         "result": o.result, "reason": o.reason, "payment": o.payment.id if o.payment else None,
         "license": o.payment.license_id if o.payment else None} for o in result.outcomes]
    if as_json:
        emit_json({"confirmed": confirm, "rows": out})
        return
    title = "confirmed" if confirm else "would match (nothing written; add --confirm)"
    emit_table(out, ["line", "date", "amount", "payer", "result", "reason", "license"], title)


def register(app: typer.Typer) -> None:
    """Adds to the `license` group (licenses/cli.py mounts it on `app`)."""
    del app
    license_app.command("payments")(pending_payments)
    license_app.command("reconcile")(reconcile)
