"""`clearinghouse royalties unlicensed …`: unlicensed use turned into offers and claims from the
command line — the owner lists its works' unlicensed use and offers a licence or claims; the user
accepts, disputes; a thin shell over the service, acting as the party named by --as."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.cli.context import acting_as, database, emit_json, emit_record, emit_table, fail
from clearinghouse.core.errors import DomainError, ValidationFailed
from clearinghouse.core.settings import get_settings
from clearinghouse.registry import owner_service
from clearinghouse.royalties.unlicensed import evidence, service
from clearinghouse.royalties.unlicensed.schemas import ClaimCreate, OfferCreate, action_out
from clearinghouse.usage.lake import Lake

unlicensed_app = typer.Typer(help="Unlicensed use: list it, offer a licence or claim; accept or "
                                  "dispute.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
AsParty = Annotated[str, typer.Option("--as", help="The party acting: the owner (uses, offer, "
                                                   "claim, withdraw) or the user (accept, dispute)")]
ActionArg = Annotated[str, typer.Argument(help="The offer or claim, ula_…")]
Period = Annotated[str, typer.Option("--period", help="The month of the use, YYYY-MM")]
Work = Annotated[str, typer.Option("--work", help="The work used, wrk_…")]
User = Annotated[str, typer.Option("--user", help="The party that reported (and made) the use")]
Territory = Annotated[str, typer.Option("--territory", help="ISO 3166-1 country, e.g. CN")]
Channel = Annotated[str | None, typer.Option("--channel", help="The platform, e.g. douyin")]
Currency = Annotated[str, typer.Option("--currency", help="ISO 4217")]
Seconds = Annotated[int | None, typer.Option("--seconds", min=1, max=86_400,
                                             help="The part of the work used (default: whole)")]
ACTION_COLUMNS = ["id", "kind", "status", "work_id", "user_id", "period", "channel", "territory",
                  "currency", "amount_minor"]
T = TypeVar("T")


def _run(as_party: str, act: Callable[[Session, Principal], T]) -> T:
    try:
        with database() as db:
            who = acting_as(db, as_party)
            assert who is not None  # --as is required
            return act(db, who)
    except DomainError as exc:
        fail(exc)


def _lake() -> Lake:
    return Lake(get_settings().lake_dir)


def _show(action: Any, as_json: bool) -> None:
    out = action_out(action)
    if as_json:
        emit_json(out)
    else:
        emit_record(out, title=f"{out.kind} {out.id}")


@unlicensed_app.command("uses")
def uses(period: Annotated[str, typer.Argument(help="YYYY-MM")], as_party: AsParty,
         limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 50,
         as_json: AsJson = False) -> None:
    """The owner's works' unlicensed use in a period: what an offer or a claim names."""
    def read(db: Session, who: Principal) -> tuple[list[dict[str, Any]], int]:
        return evidence.uses_of_works(_lake(), period, owner_service.work_ids_of_owner(db, who),
                                      0, limit)
    rows, total = _run(as_party, read)
    if as_json:
        emit_json({"items": rows, "total": total})
    else:
        emit_table(rows, list(rows[0]) if rows else [], title=f"unlicensed use {period} ({total})")


def _use(period: str, work: str, user: str, territory: str, channel: str | None,
         currency: str, seconds: int | None) -> dict[str, Any]:
    return {"period": period, "work_id": work, "user_id": user, "territory": territory,
            "channel": channel, "currency": currency, "seconds": seconds}


@unlicensed_app.command("offer")
def offer(as_party: AsParty, period: Period, work: Work, user: User, territory: Territory,
          channel: Channel = None, currency: Currency = "CNY", seconds: Seconds = None,
          price: Annotated[str | None, typer.Option(
              "--price", help="Your price, only where no routine offer covers the use")] = None,
          as_json: AsJson = False) -> None:
    """Offer the user a licence for its unlicensed use (a quote addressed to it)."""
    try:
        body = OfferCreate(**_use(period, work, user, territory, channel, currency, seconds),
                           price=price)
    except ValueError as exc:
        fail(ValidationFailed(str(exc).splitlines()[0]))
    _show(_run(as_party, lambda db, who: service.make_offer(db, who, _lake(), body)), as_json)


@unlicensed_app.command("claim")
def claim(as_party: AsParty, period: Period, work: Work, user: User, territory: Territory,
          channel: Channel = None, currency: Currency = "CNY", seconds: Seconds = None,
          amount: Annotated[str | None, typer.Option(
              "--amount", help="What you claim, only where no routine offer prices the use")] = None,
          as_json: AsJson = False) -> None:
    """Claim against the user for its unlicensed use, at the routine rate."""
    try:
        body = ClaimCreate(**_use(period, work, user, territory, channel, currency, seconds),
                           amount=amount)
    except ValueError as exc:
        fail(ValidationFailed(str(exc).splitlines()[0]))
    _show(_run(as_party, lambda db, who: service.make_claim(db, who, _lake(), body)), as_json)


@unlicensed_app.command("list")
def list_actions(as_party: AsParty, limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 50,
                 as_json: AsJson = False) -> None:
    """The party's offers and claims, and those addressed to it."""
    rows, total = _run(as_party, lambda db, who: service.actions_of(db, who, offset=0, limit=limit))
    out = [action_out(r) for r in rows]
    if as_json:
        emit_json({"items": out, "total": total})
    else:
        emit_table([o.model_dump() for o in out], ACTION_COLUMNS, title=f"offers and claims ({total})")


@unlicensed_app.command("withdraw")
def withdraw(action_id: ActionArg, as_party: AsParty, as_json: AsJson = False) -> None:
    """The owner withdraws its open offer or claim."""
    _show(_run(as_party, lambda db, who: service.withdraw(db, who, action_id)), as_json)


@unlicensed_app.command("dispute")
def dispute(action_id: ActionArg, as_party: AsParty,
            note: Annotated[str, typer.Option("--note", help="Why (both sides see it)")],
            as_json: AsJson = False) -> None:
    """The user disputes a claim against it."""
    _show(_run(as_party, lambda db, who: service.dispute(db, who, action_id, note)), as_json)


@unlicensed_app.command("accept")
def accept(action_id: ActionArg, as_party: AsParty, as_json: AsJson = False) -> None:
    """The user accepts an offer: it buys the quote and settles open claims on the same use."""
    _show(_run(as_party, lambda db, who: service.accept(db, who, action_id, get_settings())),
          as_json)
