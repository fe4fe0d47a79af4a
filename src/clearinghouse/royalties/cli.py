"""`clearinghouse royalties run|close`, `statements`, `payouts`: the operator's royalty work
from the command line. A run happens here, in the foreground (the API runs it as a job)."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import (
    database,
    emit_json,
    emit_record,
    emit_table,
    fail,
    local_operator,
)
from clearinghouse.core.errors import DomainError
from clearinghouse.core.settings import get_settings
from clearinghouse.royalties import payouts_service, runs_service, statements
from clearinghouse.royalties.claims.cli import claims_app
from clearinghouse.royalties.schemas import payout_out, period_out, run_out
from clearinghouse.usage.lake import Lake

royalties_app = typer.Typer(help="Royalty periods: run and close.", no_args_is_help=True)
royalties_app.add_typer(claims_app, name="claims")
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
Period = Annotated[str, typer.Argument(help="The month, YYYY-MM")]


@royalties_app.command("run")
def run(
    period: Period,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark")] = "duckdb",
    as_json: AsJson = False,
) -> None:
    """Run a period: match its landed usage, rate every licence line, post to the ledger and
    write statement lines. Running an open period again replaces its last run."""
    try:
        with database() as db:
            out = run_out(runs_service.run_period(db, Lake(get_settings().lake_dir), period,
                                                  engine=engine, actor=local_operator(db)))
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_record(out, title=f"royalty run {out.id}")


@royalties_app.command("close")
def close(period: Period, as_json: AsJson = False) -> None:
    """Close a period that has been run: no further run and no new usage for it."""
    try:
        with database() as db:
            out = period_out(runs_service.close_period(db, period, local_operator(db)))
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_record(out, title=f"period {period}")


def statements_command(
    period: Period,
    party: Annotated[str | None, typer.Option("--party", help="Only this party's lines")] = None,
    format: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """A period's statement lines (of its current run), all or one party's."""
    try:
        with database() as db:
            lines = statements.lines_for(db, local_operator(db), period, party)
            rows = [statements.row(ln) for ln in lines]
            text = statements.as_csv(lines)
    except DomainError as exc:
        fail(exc)
    if format == "csv":
        typer.echo(text, nl=False)
    elif format == "json":
        emit_json(rows)
    else:
        emit_table(rows, ["holder_id", "work_id", "license_id", "plays", "earned_minor",
                          "recouped_minor", "true_up_minor", "holder_net_minor", "payout_currency",
                          "holder_payout_minor"], title=f"statements {period}")


def payouts_command(
    period: Period,
    post: Annotated[bool, typer.Option("--post", help="Post them (else only show them)")] = False,
    party: Annotated[str | None, typer.Option("--party", help="Only this party")] = None,
    as_json: AsJson = False,
) -> None:
    """What each holder is paid for the period (threshold per currency in settings)."""
    thresholds = get_settings().payout_thresholds
    try:
        with database() as db:
            who = local_operator(db)
            decided = (payouts_service.post(db, who, period, thresholds) if post
                       else payouts_service.decide(db, period, thresholds, party))
            rows = [payout_out(p) for p in decided]
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    emit_table([r.model_dump() for r in rows],
               ["party_id", "currency", "amount_minor", "threshold_minor", "paid"],
               title=f"payouts {period}{' (posted)' if post else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(royalties_app, name="royalties")
    app.command("statements")(statements_command)
    app.command("payouts")(payouts_command)
