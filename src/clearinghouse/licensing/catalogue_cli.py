"""`clearinghouse templates|offers|quote|referrals|rates|fees …`: a thin shell over the services.

Amounts on the command line are in major units ("3000.00" CNY); the API takes minor units.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from clearinghouse.cli.context import (
    acting_as,
    database,
    emit_json,
    emit_record,
    emit_table,
    fail,
    local_operator,
)
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.money import Money, MoneyError
from clearinghouse.core.settings import get_settings
from clearinghouse.licensing import (
    offers_service,
    quotes_service,
    rates_service,
    referrals_service,
    templates_service,
)
from clearinghouse.licensing.catalogue_schemas import (
    FeeCreate,
    OfferCreate,
    PriceIn,
    QuoteCreate,
    RateCreate,
    ReferralsFromQuote,
    ReferralStep,
    TemplateCreate,
    fee_out,
    offer_out,
    quote_out,
    rate_out,
    referral_out,
    template_out,
)
from clearinghouse.registry.domain import Right

M = TypeVar("M", bound=BaseModel)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Act as this party id (default: operator)")]
Amount = Annotated[str | None, typer.Option(help="Major units, e.g. 3000.00")]

templates_app = typer.Typer(help="Routine license templates (the operator defines them).")
offers_app = typer.Typer(help="Rate cards: owners price templates for rights they hold.")
referrals_app = typer.Typer(help="Referrals: negotiate what no routine offer clears.")
rates_app = typer.Typer(help="Exchange rates (dated; quotes use the latest effective one).")
fees_app = typer.Typer(help="Service fees on both sides (dated).")


def _valid(model: type[M], payload: dict[str, Any]) -> M:
    """Pydantic errors as the CLI's usual error line (exit code 4), naming the field."""
    try:
        return model.model_validate(payload)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        fail(ValidationFailed(f"{where}: {first['msg']}", field=where))


def _who(db: Any, party: str | None) -> Any:
    return acting_as(db, party) or local_operator(db)


def _minor(currency: str, amount: str | None, field: str) -> int | None:
    if amount is None:
        return None
    try:
        return Money.from_decimal(currency, amount).minor
    except MoneyError as exc:
        raise ValidationFailed(str(exc), field=field) from exc


def _price(currency: str, fixed: str | None, per_1000: str | None, per_copy: str | None,
           share: str | None, advance: str | None, mg: str | None) -> dict[str, Any]:
    return {"currency": currency, "fixed_fee_minor": _minor(currency, fixed, "fixed"),
            "per_1000_plays_minor": _minor(currency, per_1000, "per_1000_plays"),
            "per_copy_minor": _minor(currency, per_copy, "per_copy"), "revenue_share_pct": share,
            "advance_minor": _minor(currency, advance, "advance"),
            "minimum_guarantee_minor": _minor(currency, mg, "minimum_guarantee")}


# -- templates ------------------------------------------------------------------------------------


@templates_app.command("list")
def templates_list(all_: Annotated[bool, typer.Option("--all", help="Include inactive")] = False,
                   as_json: JsonOpt = False) -> None:
    with database() as db:
        rows, total = templates_service.list_templates(db, active=None if all_ else True,
                                                       purpose=None, offset=0, limit=1000)
        out = [template_out(t).model_dump(mode="json") for t in rows]
    if as_json:
        emit_json({"items": out, "total": total})
        return
    rows_out = [{"code": t["code"], "name": t["name_zh"], "purpose": t["purpose"],
                 "uses": t["max_uses"], "territory": ",".join(t["territories"]),
                 "portion": t["portion_unit"] if t["portion_value"] is None
                 else f"{t['portion_value']} {t['portion_unit']}",
                 "days": t["term_days"] or "perpetual", "excl": "yes" if t["exclusive"] else ""}
                for t in out]
    emit_table(rows_out, ["code", "name", "purpose", "uses", "portion", "territory", "days",
                          "excl"], title=f"{total} templates")


@templates_app.command("show")
def templates_show(ref: str, as_json: JsonOpt = False) -> None:
    """By id or code."""
    with database() as db:
        out = template_out(templates_service.get_template(db, ref))
    emit_json(out) if as_json else emit_record(out, "template")


@templates_app.command("create")
def templates_create(
    file: Annotated[Path, typer.Option("--file", "-f", help="JSON in the API's format")],
    as_json: JsonOpt = False,
) -> None:
    """Create a template (operator) from a JSON file."""
    data = _valid(TemplateCreate, json.loads(file.read_text(encoding="utf-8")))
    with database() as db:
        out = template_out(templates_service.create_template(db, local_operator(db), data))
    emit_json(out) if as_json else emit_record(out, "template")


# -- offers ---------------------------------------------------------------------------------------


@offers_app.command("create")
def offers_create(
    template: Annotated[str, typer.Option(help="Template id or code")],
    right: Annotated[list[Right], typer.Option("--right", help="Repeat for several rights")],
    currency: Annotated[str, typer.Option()] = "CNY",
    work: Annotated[list[str], typer.Option("--work", help="Repeat; or --catalogue")] = [],  # noqa: B006
    catalogue: Annotated[bool, typer.Option("--catalogue", help="Every work held")] = False,
    fixed: Amount = None, per_1000_plays: Amount = None, per_copy: Amount = None,
    revenue_share: Annotated[str | None, typer.Option(help="Percent, e.g. 5.5")] = None,
    advance: Amount = None, minimum_guarantee: Amount = None,
    declined: Annotated[bool, typer.Option("--declined", help="Refuse this template")] = False,
    holder: Annotated[str | None, typer.Option(help="Owner priced (default: --as)")] = None,
    as_party: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Price a template for rights a holder holds."""
    with database() as db:
        who = _who(db, as_party)
        data = _valid(OfferCreate, {
            **_price(currency, fixed, per_1000_plays, per_copy, revenue_share, advance,
                     minimum_guarantee),
            "template_id": template, "holder_id": holder, "rights": right,
            "scope": "catalogue" if catalogue else "works", "work_ids": work,
            "declined": declined})
        offer = offers_service.create_offer(db, who, data)
        out = offer_out(offer, templates_service.get_template(db, offer.template_id).code)
    emit_json(out) if as_json else emit_record(out, "offer")


@offers_app.command("list")
def offers_list(holder: Annotated[str | None, typer.Option()] = None,
                work: Annotated[str | None, typer.Option(help="Active offers of a work")] = None,
                as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    with database() as db:
        if work:
            rows: Any = offers_service.offers_for_work(db, work)
        else:
            rows, _ = offers_service.list_offers(db, _who(db, as_party), holder_id=holder,
                                                 status=None, offset=0, limit=1000)
        out = [offer_out(o, templates_service.get_template(db, o.template_id).code)
               .model_dump(mode="json") for o in rows]
    if as_json:
        emit_json(out)
        return
    emit_table(out, ["id", "holder_id", "template_code", "scope", "rights", "currency",
                     "fixed_fee_minor", "per_1000_plays_minor", "declined", "status"],
               title=f"{len(out)} offers")


@offers_app.command("withdraw")
def offers_withdraw(offer_id: str, as_party: AsOpt = None) -> None:
    with database() as db:
        offer = offers_service.get_offer(db, offer_id)
        offers_service.withdraw_offer(db, _who(db, as_party), offer_id, offer.version)
    typer.echo(f"withdrew {offer_id}")


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
    data = _valid(QuoteCreate, payload)
    with database() as db:
        quote = quotes_service.create_quote(db, _who(db, as_party), data,
                                            get_settings().quote_valid_seconds)
        out = quote_out(quote, quotes_service.effective_status(quote)).model_dump(mode="json")
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
    data = _valid(ReferralsFromQuote, {"parts": parts, "message": message})
    with database() as db:
        refs = referrals_service.refer_from_quote(db, _who(db, as_party), quote_id, data)
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
        rows, total = referrals_service.list_referrals(db, _who(db, as_party), status=status,
                                                       offset=0, limit=1000)
        out = [_referral(db, r) for r in rows]
    if as_json:
        emit_json({"items": out, "total": total})
        return
    emit_table(out, ["id", "status", "work_id", "right", "holder_id", "licensee_id", "reason",
                     "quote_id"], title=f"{total} referrals")


@referrals_app.command("show")
def referrals_show(referral_id: str, as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    with database() as db:
        out = _referral(db, referrals_service.get_referral(db, _who(db, as_party), referral_id))
    _emit_referral(out, as_json)


@referrals_app.command("reply")
def referrals_reply(referral_id: str, message: str, as_party: AsOpt = None) -> None:
    """Add a message to the thread."""
    with database() as db:
        referrals_service.post_message(db, _who(db, as_party), referral_id, message)
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
            who = _who(db, as_party)
            ref = referrals_service.get_referral(db, who, referral_id)
            price = _valid(PriceIn, _price(
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


# -- rates and fees -------------------------------------------------------------------------------


@rates_app.command("set")
def rates_set(base: str, quote: str, rate: str,
              effective: Annotated[str | None, typer.Option(help="YYYY-MM-DD, default today")]
              = None, as_json: JsonOpt = False) -> None:
    """Units of QUOTE per one BASE, e.g. `rates set USD CNY 6.6`."""
    data = _valid(RateCreate, {"base": base, "quote": quote, "rate": rate,
                               "effective": effective or date.today().isoformat()})
    with database() as db:
        out = rate_out(rates_service.set_rate(db, local_operator(db), data))
    emit_json(out) if as_json else emit_record(out, "exchange rate")


@rates_app.command("list")
def rates_list(as_json: JsonOpt = False) -> None:
    with database() as db:
        rows, _ = rates_service.list_rates(db, base=None, quote=None, offset=0, limit=1000)
        out = [rate_out(r).model_dump(mode="json") for r in rows]
    emit_json(out) if as_json else emit_table(out, ["base", "quote", "rate", "effective",
                                                    "source"], title="exchange rates")


@fees_app.command("set")
def fees_set(licensee: Annotated[str, typer.Option(help="Percent added for the licensee")],
             owner: Annotated[str, typer.Option(help="Percent taken from owners' proceeds")],
             effective: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
             as_json: JsonOpt = False) -> None:
    data = _valid(FeeCreate, {"licensee_pct": licensee, "owner_pct": owner,
                              "effective": effective or date.today().isoformat()})
    with database() as db:
        out = fee_out(rates_service.set_fees(db, local_operator(db), data))
    emit_json(out) if as_json else emit_record(out, "fee schedule")


@fees_app.command("show")
def fees_show(as_json: JsonOpt = False) -> None:
    """Every fee schedule, the latest effective date first."""
    with database() as db:
        out = [fee_out(f).model_dump(mode="json") for f in rates_service.list_fees(db)]
    emit_json(out) if as_json else emit_table(out, ["effective", "licensee_pct", "owner_pct"],
                                              title="fee schedules")


def register(app: typer.Typer) -> None:
    app.add_typer(templates_app, name="templates")
    app.add_typer(offers_app, name="offers")
    app.add_typer(referrals_app, name="referrals")
    app.add_typer(rates_app, name="rates")
    app.add_typer(fees_app, name="fees")
    app.command("quote")(quote_command)
