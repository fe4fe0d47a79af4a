"""`clearinghouse templates|offers|rates|fees …`: a thin shell over the services.

`quote` and `referrals` are in quotes/cli.py (cli/main.py loads each part of licensing).
Amounts on the command line are in major units ("3000.00" CNY); the API takes minor units.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table, local_operator
from clearinghouse.cli.inputs import (
    Amount,
    AsOpt,
    JsonOpt,
    acting,
    price_fields,
    validated,
)
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import (
    FeeCreate,
    OfferCreate,
    RateCreate,
    fee_out,
    offer_out,
    rate_out,
)
from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate, template_out
from clearinghouse.registry.domain import Right

templates_app = typer.Typer(help="Routine license templates (the operator defines them).")
offers_app = typer.Typer(help="Rate cards: owners price templates for rights they hold.")
rates_app = typer.Typer(help="Exchange rates (dated; quotes use the latest effective one).")
fees_app = typer.Typer(help="Service fees on both sides (dated).")


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
    data = validated(TemplateCreate, json.loads(file.read_text(encoding="utf-8")))
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
        who = acting(db, as_party)
        data = validated(OfferCreate, {
            **price_fields(currency, fixed, per_1000_plays, per_copy, revenue_share, advance,
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
            rows, _ = offers_service.list_offers(db, acting(db, as_party), holder_id=holder,
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
        offers_service.withdraw_offer(db, acting(db, as_party), offer_id, offer.version)
    typer.echo(f"withdrew {offer_id}")


# -- rates and fees -------------------------------------------------------------------------------


@rates_app.command("set")
def rates_set(base: str, quote: str, rate: str,
              effective: Annotated[str | None, typer.Option(help="YYYY-MM-DD, default today")]
              = None, as_json: JsonOpt = False) -> None:
    """Units of QUOTE per one BASE, e.g. `rates set USD CNY 6.6`."""
    data = validated(RateCreate, {"base": base, "quote": quote, "rate": rate,
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
    data = validated(FeeCreate, {"licensee_pct": licensee, "owner_pct": owner,
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
    app.add_typer(rates_app, name="rates")
    app.add_typer(fees_app, name="fees")
