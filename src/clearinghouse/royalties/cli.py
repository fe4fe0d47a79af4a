"""`clearinghouse royalties run|close`, `statements`, `payouts`: the operator's royalty work
from the command line. A run happens here, in the foreground (the API runs it as a job)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from clearinghouse.cli.context import (
    database,
    emit_json,
    emit_record,
    emit_table,
    fail,
    local_operator,
)
from clearinghouse.core.errors import DomainError, ValidationFailed
from clearinghouse.core.settings import get_settings
from clearinghouse.royalties import payout_records, payouts_service, runs_service, statements
from clearinghouse.royalties.claims.cli import claims_app
from clearinghouse.royalties.schemas import payout_out, payout_record_out, period_out, run_out
from clearinghouse.royalties.unlicensed.cli import unlicensed_app
from clearinghouse.usage.lake import Lake

royalties_app = typer.Typer(help="Royalty periods: run and close.", no_args_is_help=True)
royalties_app.add_typer(claims_app, name="claims")
royalties_app.add_typer(unlicensed_app, name="unlicensed")
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


class _PeriodFirst(TyperGroup):
    """`payouts 2026-06 [--post]` stays as it was: a first word that names no subcommand is the
    period of `payouts show`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


payouts_app = typer.Typer(cls=_PeriodFirst, no_args_is_help=True,
                          help="Payouts: what each holder is paid, posting them, marking them sent.")


@payouts_app.command("show")
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


@payouts_app.command("mark-sent")
def mark_sent(
    payout_id: Annotated[str, typer.Argument(help="The posted payout (pyo_…)")],
    reference: Annotated[str, typer.Option("--reference", help="The bank transfer's reference")],
    sent_on: Annotated[str | None, typer.Option(
        "--on", help="The day the transfer left, YYYY-MM-DD (default today)")] = None,
    as_json: AsJson = False,
) -> None:
    """Mark a posted payout sent (once; a sent payout cannot be changed)."""
    try:
        day = date.fromisoformat(sent_on) if sent_on else date.today()
    except ValueError:
        fail(ValidationFailed(f"--on {sent_on!r} is not a day (YYYY-MM-DD)", field="sent_on"))
    try:
        with database() as db:
            out = payout_record_out(payout_records.mark_sent(db, local_operator(db), payout_id,
                                                             reference, day))
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_record(out, title=f"payout {payout_id}")


@payouts_app.command("list")
def list_posted(
    period: Annotated[str | None, typer.Option("--period", help="Only this month")] = None,
    status: Annotated[str | None, typer.Option("--status", help="due or sent")] = None,
    as_json: AsJson = False,
) -> None:
    """Payouts posted so far, newest period first, with their status."""
    try:
        with database() as db:
            rows, _total = payout_records.visible(db, local_operator(db), period=period,
                                                  status=status, limit=1000)
            out: list[Any] = [payout_record_out(r) for r in rows]
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
        return
    emit_table([r.model_dump() for r in out],
               ["id", "period", "party_id", "currency", "amount_minor", "status", "sent_on",
                "sent_reference"], title="posted payouts")


def register(app: typer.Typer) -> None:
    app.add_typer(royalties_app, name="royalties")
    app.command("statements")(statements_command)
    app.add_typer(payouts_app, name="payouts")
