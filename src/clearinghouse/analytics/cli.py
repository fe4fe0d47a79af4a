"""`clearinghouse analytics …`: the market view from the command line (deal flow so far)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from clearinghouse.analytics.deals import service
from clearinghouse.analytics.deals.csv_reading import MAX_BYTES
from clearinghouse.analytics.deals.domain import Conventions
from clearinghouse.analytics.deals.schemas import summary_out
from clearinghouse.cli.context import database, emit_json, emit_table, fail, local_operator
from clearinghouse.core.errors import DomainError, PayloadTooLarge

analytics_app = typer.Typer(help="Market analytics: deal flow.", no_args_is_help=True)


@analytics_app.command("deals")
def deals(
    import_file: Annotated[Path | None, typer.Option(
        "--import", exists=True, dir_okay=False, help="First import this deal CSV (operator)")] = None,
    label: Annotated[str | None, typer.Option("--label", max=200,
                                              help="A name for the import (default: the file's)")] = None,
    import_id: Annotated[str | None, typer.Option("--import-id", help="Summarise this import "
                                                  "(default: the latest)")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="Only this quarter, e.g. 2017Q3")] = None,
    usd_cny: Annotated[Decimal, typer.Option("--usd-cny", min=0.000001, max=1000,
                                             help="CNY per USD")] = Decimal("6.6"),
    several_million: Annotated[Decimal, typer.Option(
        "--several-million", min=1, help="What 数百万 counts as")] = Decimal(1_000_000),
    tens_of_millions: Annotated[Decimal, typer.Option(
        "--tens-of-millions", min=1, help="What 数千万 counts as")] = Decimal(10_000_000),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Deal flow: events by month, round and category, totals in CNY and USD, the headline."""
    try:
        with database() as db:
            operator = local_operator(db)
            if import_file is not None:
                if import_file.stat().st_size > MAX_BYTES:
                    raise PayloadTooLarge(f"the deal file is over {MAX_BYTES} bytes")
                parsed = service.parse_file(import_file.read_bytes())
                imported = service.import_deals(db, operator, parsed, label or import_file.name)
                import_id = imported.record.id
            record = service.chosen_import(db, import_id)
            conventions = Conventions(several_million=several_million,
                                      tens_of_millions=tens_of_millions, usd_cny=usd_cny)
            out = summary_out(record, quarter, service.summary(db, record, conventions, quarter))
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
        return
    typer.echo(f"{out.headline.zh}\n{out.headline.en}")
    for title, rows in (("by category", out.by_category), ("by round", out.by_round),
                        ("by month", out.by_month), ("total", [out.total])):
        emit_table([{"": r.key, "events": r.events, "disclosed": r.disclosed,
                     "estimated": r.estimated, "CNY": r.cny.display, "USD": r.usd.display}
                    for r in rows], ["", "events", "disclosed", "estimated", "CNY", "USD"],
                   title=title)
