"""`clearinghouse quote …` and `clearinghouse referrals …`: a thin shell over the services.

Amounts on the command line are in major units ("3000.00" CNY); the API takes minor units.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table
from clearinghouse.cli.inputs import (
    Amount,
    AsOpt,
    JsonOpt,
    acting,
    price_fields,
    validated,
)
from clearinghouse.core.settings import get_settings
from clearinghouse.licensing.catalogue.offer_schemas import PriceIn
from clearinghouse.licensing.quotes import referrals as referrals_service
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.schemas import (
    QuoteCreate,
    ReferralsFromQuote,
    ReferralStep,
    quote_out,
    referral_out,
)

referrals_app = typer.Typer(help="Referrals: negotiate what no routine offer clears.")


# -- quotes ---------------------------------------------------------------------------------------


def _portion(text: str) -> dict[str, Any]:
    """"whole", "15s", "10%", "200w"."""
    text = text.strip().lower()
    units = {"s": "seconds", "%": "percent", "w": "words"}
    if text == "whole":
        return {"unit": "whole"}
    if text[-1:] in units and text[:-1].isdigit():
        return {"unit": units[text[-1]], "value": int(text[:-1])}
    raise typer.BadParameter("use whole, 15s, 10% or 200w", param_hint="--portion")


def emit_quote(out: dict[str, Any]) -> None:
    t = out["totals"]
    emit_table(out["lines"], ["work_title", "right", "holder_name", "share", "template_code",
                              "currency", "upfront_minor", "upfront_converted_minor",
                              "owner_fee_minor", "holder_net_minor"],
               title=f"quote {out['id']} ({out['status']}, until {out['expires_at']})")
    if out["unclearable"]:
        emit_table(out["unclearable"], ["work_id", "right", "holder_id", "share", "reason",
                                        "message"], title="needs a referral")
    if out["also_needed"]:
        emit_table(out["also_needed"], ["work_id", "right", "message", "message_zh"],
                   title="also needed to use a recording")
    emit_record({"currency": t["currency"], "subtotal_minor": t["subtotal_minor"],
                 "licensee_fee_minor": t["licensee_fee_minor"], "total": out["total"]["display"],
                 "rates": t["rates"], "fees": t["fees"]}, "totals")


def quote_command(
    work: Annotated[list[str], typer.Option("--work", help="Repeat for several works")] = [],  # noqa: B006
    file: Annotated[Path | None, typer.Option("--file", "-f", help="The use as JSON")] = None,
    purpose: Annotated[str | None, typer.Option()] = None,
    channel: Annotated[list[str], typer.Option("--channel", help="Repeat")] = [],  # noqa: B006
    uses: Annotated[int | None, typer.Option()] = None,
    portion: Annotated[str | None, typer.Option(help="whole, 15s, 10% or 200w")] = None,
    modified: Annotated[bool | None, typer.Option("--modified/--original")] = None,
    territory: Annotated[list[str], typer.Option("--territory", help="Repeat")] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option("--exclude", help="Repeat")] = [],  # noqa: B006
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    term_days: Annotated[int | None, typer.Option()] = None,
    perpetual: Annotated[bool, typer.Option("--perpetual")] = False,
    exclusive: Annotated[bool, typer.Option("--exclusive")] = False,
    currency: Annotated[str | None, typer.Option()] = None,
    as_party: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Quote a use: every right and co-holder it needs, priced, and what needs a referral."""
    payload: dict[str, Any] = json.loads(file.read_text(encoding="utf-8")) if file else {}
    options = {"work_ids": work or None, "purpose": purpose, "channels": channel or None,
               "uses": uses, "portion": _portion(portion) if portion else None,
               "modified": modified, "territories": territory or None,
               "territories_excluded": exclude or None,
               "start": date.fromisoformat(start).isoformat() if start else None,
               "term_days": term_days, "currency": currency}
    payload |= {k: v for k, v in options.items() if v is not None}
    if perpetual:
        payload["term_days"] = None
    if exclusive:
        payload["exclusive"] = True
    data = validated(QuoteCreate, payload)
    with database() as db:
        quote = quotes_service.create_quote(db, acting(db, as_party), data,
                                            get_settings().quote_valid_seconds)
        hints = quotes_service.recordings_not_named(db, [quote])
        out = quote_out(quote, quotes_service.effective_status(quote),
                        hints[quote.id]).model_dump(mode="json")
    emit_json(out) if as_json else emit_quote(out)


# -- referrals ------------------------------------------------------------------------------------


def _referral(db: Any, ref: Any) -> dict[str, Any]:
    return referral_out(ref, referrals_service.messages_of(db, ref.id)).model_dump(mode="json")


def _emit_referral(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(out)
        return
    messages = out.pop("messages")
    emit_record(out, "referral")
    emit_table(messages, ["at", "author_id", "kind", "body", "price"], title="thread")


@referrals_app.command("send")
def referrals_send(
    quote_id: str,
    part: Annotated[list[str], typer.Option(
        "--part", help="WORK_ID:RIGHT:HOLDER_ID; repeat; all a holder can settle if none")] = [],  # noqa: B006
    message: Annotated[str | None, typer.Option()] = None,
    as_party: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Send a quote's unclearable parts to their holders as referrals."""
    parts = []
    for text in part:
        pieces = text.split(":")
        if len(pieces) != 3:
            raise typer.BadParameter("use WORK_ID:RIGHT:HOLDER_ID", param_hint="--part")
        parts.append(dict(zip(("work_id", "right", "holder_id"), pieces, strict=True)))
    data = validated(ReferralsFromQuote, {"parts": parts, "message": message})
    with database() as db:
        refs = referrals_service.refer_from_quote(db, acting(db, as_party), quote_id, data)
        out = [_referral(db, r) for r in refs]
    if as_json:
        emit_json(out)
        return
    emit_table(out, ["id", "status", "work_id", "right", "holder_id", "reason"],
               title=f"{len(out)} referrals sent")


@referrals_app.command("list")
def referrals_list(status: Annotated[str | None, typer.Option()] = None,
                   as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    with database() as db:
        rows, total = referrals_service.list_referrals(db, acting(db, as_party),
                                                       status=status, offset=0, limit=1000)
        out = [_referral(db, r) for r in rows]
    if as_json:
        emit_json({"items": out, "total": total})
        return
    emit_table(out, ["id", "status", "work_id", "right", "holder_id", "licensee_id", "reason",
                     "quote_id"], title=f"{total} referrals")


@referrals_app.command("show")
def referrals_show(referral_id: str, as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    with database() as db:
        out = _referral(db, referrals_service.get_referral(db, acting(db, as_party), referral_id))
    _emit_referral(out, as_json)


@referrals_app.command("reply")
def referrals_reply(referral_id: str, message: str, as_party: AsOpt = None) -> None:
    """Add a message to the thread."""
    with database() as db:
        referrals_service.post_message(db, acting(db, as_party), referral_id, message)
    typer.echo(f"sent to {referral_id}")


def _step_command(action: str) -> Any:
    def command(
        referral_id: str,
        currency: Annotated[str | None, typer.Option(help="With a price")] = None,
        fixed: Amount = None, per_1000_plays: Amount = None, per_copy: Amount = None,
        revenue_share: Annotated[str | None, typer.Option()] = None,
        advance: Amount = None, minimum_guarantee: Amount = None,
        message: Annotated[str | None, typer.Option()] = None,
        as_party: AsOpt = None, as_json: JsonOpt = False,
    ) -> None:
        with database() as db:
            who = acting(db, as_party)
            ref = referrals_service.get_referral(db, who, referral_id)
            price = validated(PriceIn, price_fields(
                currency, fixed, per_1000_plays, per_copy, revenue_share, advance,
                minimum_guarantee)) if currency else None
            step = ReferralStep(price=price, message=message)
            if action == "accept":
                ref = referrals_service.accept(db, who, referral_id, step, ref.version,
                                               get_settings().quote_valid_seconds)
            else:
                ref = getattr(referrals_service, action)(db, who, referral_id, step, ref.version)
            out = _referral(db, ref)
        _emit_referral(out, as_json)

    command.__doc__ = {
        "accept": "Accept: the holder with a price (--currency, --fixed …), or the licensee the "
                  "holder's counter. Creates a quote to purchase.",
        "counter": "The holder proposes a price (--currency, --fixed …).",
        "decline": "The holder declines.",
        "withdraw": "The licensee withdraws its referral.",
    }[action]
    return command


for _action in ("accept", "counter", "decline", "withdraw"):
    referrals_app.command(_action)(_step_command(_action))


def register(app: typer.Typer) -> None:
    app.add_typer(referrals_app, name="referrals")
    app.command("quote")(quote_command)
