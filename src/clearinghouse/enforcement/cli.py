"""`clearinghouse claims …` and `clearinghouse disputes …`: content claims from the command line,
a thin shell over the services. Without --as, the local operator acts (it reads every claim and
decides escalated disputes); --as PARTY acts as that party (an owner answering, an uploader
escalating, a platform reporting earnings). `disputes lapse` is the operator's scheduled job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.cli.context import acting_as, database, emit_json, emit_record, emit_table, fail, local_operator
from clearinghouse.core.errors import DomainError
from clearinghouse.core.settings import get_settings
from clearinghouse.enforcement import disputes, escrow, policies, repository, service
from clearinghouse.enforcement.domain import ClaimStatus, DisputeStatus, Policy
from clearinghouse.enforcement.schemas import claim_out, dispute_out, event_out, policy_out

claims_app = typer.Typer(help="Content claims on identified uploads: list, show, withdraw, "
                              "policies, earnings.", no_args_is_help=True)
disputes_app = typer.Typer(help="Disputes of content claims: list, answer, escalate, decide, "
                                "lapse.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
AsParty = Annotated[str | None, typer.Option("--as", help="Act as this party (default: the "
                                                          "local operator)")]
ClaimArg = Annotated[str, typer.Argument(help="The claim, ccl_…")]
Note = Annotated[str | None, typer.Option("--note", help="A note both sides and the operator see")]
CLAIM_COLUMNS = ["id", "status", "policy", "work_id", "upload_ref", "channel", "territory",
                 "score"]
DISPUTE_COLUMNS = ["claim_id", "status", "reason", "deadline", "opened_by"]
T = TypeVar("T")


def _run(as_party: str | None, act: Callable[[Session, Principal], T]) -> T:
    try:
        with database() as db:
            who = acting_as(db, as_party) or local_operator(db)
            return act(db, who)
    except DomainError as exc:
        fail(exc)


def _show(value: Any, as_json: bool, title: str) -> None:
    if as_json:
        emit_json(value)
    else:
        emit_record(value, title=title)


@claims_app.command("list")
def list_claims(
    status: Annotated[ClaimStatus | None, typer.Option("--status")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 50,
    as_party: AsParty = None, as_json: AsJson = False,
) -> None:
    """Claims, newest first: the operator's every claim, or those of --as PARTY."""
    def read(db: Session, who: Principal) -> tuple[list[Any], int]:
        found, count = service.list_claims(db, who, status=status.value if status else None,
                                           offset=0, limit=limit)
        return [claim_out(c) for c in found], count
    rows, total = _run(as_party, read)
    if as_json:
        emit_json(rows)
    else:
        emit_table([c.model_dump() for c in rows], CLAIM_COLUMNS, title=f"content claims ({total})")


@claims_app.command("show")
def show(claim_id: ClaimArg, as_party: AsParty = None, as_json: AsJson = False) -> None:
    """One claim with its dispute and full history."""
    def read(db: Session, who: Principal) -> dict[str, Any]:
        claim = service.get_claim(db, who, claim_id)
        dispute = repository.dispute_of(db, claim.id)
        return {"claim": claim_out(claim), "dispute": dispute_out(dispute) if dispute else None,
                "history": [event_out(e) for e in repository.events_of(db, claim.id)],
                "escrow_held": escrow.held(db, claim.id)}
    out = _run(as_party, read)
    if as_json:
        emit_json(out)
        return
    emit_record(out["claim"], title=f"claim {claim_id}")
    if out["dispute"] is not None:
        emit_record(out["dispute"], title="dispute")
    emit_table([e.model_dump() for e in out["history"]], ["at", "side", "event", "note"],
               title="history")


@claims_app.command("withdraw")
def withdraw(claim_id: ClaimArg, note: Note = None, as_party: AsParty = None,
             as_json: AsJson = False) -> None:
    """The owner drops its claim (--as the owner's party)."""
    out = _run(as_party, lambda db, who: claim_out(service.withdraw(db, who, claim_id, note)))
    _show(out, as_json, f"claim {claim_id}")


@claims_app.command("policy")
def set_policy(
    policy: Annotated[Policy, typer.Argument(help="block, track, warn, offer or monetise")],
    work_id: Annotated[str | None, typer.Option("--work", help="The work (default: your "
                                                               "default for your works)")] = None,
    territory: Annotated[str | None, typer.Option("--territory", help="ISO alpha-2 "
                                                                      "(default: everywhere)")] = None,
    as_party: AsParty = None, as_json: AsJson = False,
) -> None:
    """Set what happens to unlicensed uploads (--as the owner's party)."""
    out = _run(as_party, lambda db, who: policy_out(policies.set_policy(
        db, who, work_id=work_id, territory=territory, policy=policy)))
    _show(out, as_json, "enforcement policy")


@claims_app.command("earnings")
def report_earnings(
    claim_id: ClaimArg,
    amount: Annotated[str, typer.Option("--amount", help="Major units, e.g. 12.50")],
    currency: Annotated[str, typer.Option("--currency")] = "CNY",
    as_party: AsParty = None, as_json: AsJson = False,
) -> None:
    """The platform reports what a monetised upload earned (--as the platform's party)."""
    where = _run(as_party, lambda db, who: escrow.report_earnings(
        db, who, claim_id, amount=amount, currency=currency.upper()))
    _show({"claim_id": claim_id, "destination": where}, as_json, "earnings")


@disputes_app.command("list")
def list_disputes(
    status: Annotated[DisputeStatus | None, typer.Option(
        "--status", help="e.g. escalated: the contested disputes the operator decides")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 50,
    as_party: AsParty = None, as_json: AsJson = False,
) -> None:
    """Disputes, newest first."""
    rows = _run(as_party, lambda db, who: [dispute_out(d) for d in disputes.list_disputes(
        db, who, status=status.value if status else None, offset=0, limit=limit)[0]])
    if as_json:
        emit_json(rows)
    else:
        emit_table([d.model_dump() for d in rows], DISPUTE_COLUMNS, title="disputes")


@disputes_app.command("answer")
def answer(claim_id: ClaimArg,
           uphold: Annotated[bool, typer.Option("--uphold/--release", help="Uphold or release")],
           note: Note = None, as_party: AsParty = None, as_json: AsJson = False) -> None:
    """The owner answers a dispute (--as the owner's party)."""
    days = get_settings().dispute_answer_days
    out = _run(as_party, lambda db, who: dispute_out(disputes.answer(
        db, who, claim_id, uphold=uphold, note=note, answer_days=days)))
    _show(out, as_json, f"dispute of {claim_id}")


@disputes_app.command("escalate")
def escalate(claim_id: ClaimArg, note: Note = None, as_party: AsParty = None,
             as_json: AsJson = False) -> None:
    """The uploader takes an upheld claim to the operator (--as the uploader's party)."""
    out = _run(as_party, lambda db, who: dispute_out(disputes.escalate(db, who, claim_id, note)))
    _show(out, as_json, f"dispute of {claim_id}")


@disputes_app.command("decide")
def decide(claim_id: ClaimArg,
           winner: Annotated[str, typer.Option("--for", help="uploader or owner")],
           note: Annotated[str, typer.Option("--note", help="The reasons, for both sides")],
           as_json: AsJson = False) -> None:
    """The operator decides an escalated dispute."""
    if winner not in ("uploader", "owner"):
        raise typer.BadParameter("--for is uploader or owner")
    out = _run(None, lambda db, who: dispute_out(disputes.decide(
        db, who, claim_id, for_uploader=winner == "uploader", note=note)))
    _show(out, as_json, f"dispute of {claim_id}")


@disputes_app.command("lapse")
def lapse(as_json: AsJson = False) -> None:
    """Lapse every dispute whose deadline passed (run it from the scheduler, e.g. hourly)."""
    done = _run(None, lambda db, _who: disputes.lapse_due_disputes(db))
    if as_json:
        emit_json({"lapsed": done})
    else:
        typer.echo(f"{len(done)} dispute(s) lapsed" + (": " + ", ".join(done) if done else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")
    app.add_typer(disputes_app, name="disputes")
