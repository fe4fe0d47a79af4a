"""`clearinghouse royalties claims list|decide`: the operator's usage-claims queue from the
command line, a thin shell over the service."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table, fail, local_operator
from clearinghouse.core.errors import DomainError
from clearinghouse.royalties.claims import service
from clearinghouse.royalties.claims.domain import ClaimStatus, RejectReason
from clearinghouse.royalties.claims.schemas import ClaimDecision, DecisionOut, claim_out

claims_app = typer.Typer(help="Usage claims on unmatched usage: list and decide.",
                         no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
COLUMNS = ["id", "status", "period", "identifier", "title", "work_id", "claimant_id",
           "decision_reason"]


@claims_app.command("list")
def list_claims(
    status: Annotated[ClaimStatus, typer.Option(
        "--status", help="Only claims in this status")] = ClaimStatus.PENDING,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="At most this many")] = 50,
    as_json: AsJson = False,
) -> None:
    """Usage claims, newest first (pending ones unless --status says otherwise)."""
    try:
        with database() as db:
            rows, total = service.list_claims(db, local_operator(db), status=status, offset=0,
                                              limit=limit)
            out = [claim_out(c) for c in rows]
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_table([c.model_dump() for c in out], COLUMNS, title=f"usage claims ({total})")


@claims_app.command("decide")
def decide(
    claim_id: Annotated[str, typer.Argument(help="The claim, ucl_…")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="Accept or reject it")],
    reason: Annotated[RejectReason | None, typer.Option("--reason", help="Why it is rejected")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for the claimant")] = None,
    as_json: AsJson = False,
) -> None:
    """Accept a claim (its identifier becomes an alias of the work: run the period again) or
    reject it with a reason."""
    try:
        body = ClaimDecision(decision="accept" if accept else "reject", reason=reason, note=note)
        with database() as db:
            decided = service.decide(db, local_operator(db), claim_id, body)
            out = DecisionOut(claim=claim_out(decided.claim), rejected_claim_ids=decided.rejected,
                              period_closed=decided.period_closed,
                              rerun_needed=decided.rerun_needed)
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_record(out.claim, title=f"usage claim {claim_id}")
        if out.rerun_needed:
            typer.echo(f"Run {out.claim.period} again to match it.")
        elif out.period_closed:
            typer.echo(f"{out.claim.period} is closed: not rated again; the alias applies to "
                       "periods run from now on.")
