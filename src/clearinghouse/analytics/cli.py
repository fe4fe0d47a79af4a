"""`clearinghouse analytics …`: the market view from the command line, the operator's (the
whole market); platforms and owners read their own through the API."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from clearinghouse.analytics.deals import service
from clearinghouse.analytics.deals.csv_reading import MAX_BYTES
from clearinghouse.analytics.deals.domain import Conventions
from clearinghouse.analytics.deals.schemas import summary_out
from clearinghouse.analytics.metrics import service as metrics
from clearinghouse.analytics.metrics.queries import ATTRIBUTES
from clearinghouse.cli.context import database, emit_json, emit_table, fail, local_operator
from clearinghouse.core.errors import DomainError, PayloadTooLarge, ValidationFailed
from clearinghouse.core.settings import get_settings
from clearinghouse.royalties.pipeline.engine import connect
from clearinghouse.usage.lake import Lake

analytics_app = typer.Typer(help="Market and usage analytics: metrics, overlap, demographics, "
                            "deal flow.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


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


Period = Annotated[str, typer.Argument(help="A month (2026-06) or a quarter (2026Q2)")]
EngineOption = Annotated[str, typer.Option("--engine", help="duckdb (default) or spark")]
KOption = Annotated[int | None, typer.Option("--k", min=2, help="Suppress figures about fewer "
                                             "people (never below the configured minimum)")]


def _metric_rows(period: str, engine_name: str, k: int | None, compute: Any) -> tuple[list[Any], int]:
    """The operator's (market) view of `period`, computed by `compute(engine, events, k)`."""
    if engine_name not in ("duckdb", "spark"):
        fail(ValidationFailed("--engine is duckdb or spark", field="engine"))
    settings = get_settings()
    k = max(k or settings.analytics_min_users, settings.analytics_min_users)
    try:
        months = metrics.months_of(period)
        with database() as db, tempfile.TemporaryDirectory(prefix="analytics-") as spill:
            local_operator(db)
            engine = connect(engine_name, memory_limit=settings.duckdb_memory_limit,
                             temp_directory=settings.duckdb_temp_dir or spill)
            events = metrics.events_of(engine, db, Lake(settings.lake_dir), months,
                                       metrics.Scope("market"))
            return ([] if events is None else compute(engine, events, k)), k
    except DomainError as exc:
        fail(exc)


def _emit(rows: list[Any], k: int, title: str, as_json: bool) -> None:
    plain = [asdict(r) for r in rows]
    if as_json:
        emit_json({"k": k, "rows": plain})
        return
    columns = list(plain[0]) if plain else []
    emit_table([{c: "—" if v is None else v for c, v in r.items()} for r in plain], columns,
               title=f"{title} (— : fewer than {k} people)")


@analytics_app.command("metrics")
def metrics_command(period: Period, engine: EngineOption = "duckdb", k: KOption = None,
                    as_json: AsJson = False) -> None:
    """MAU, DAU, DAU/MAU, launches and minutes per user per day, plays, penetration, growth."""
    rows, used = _metric_rows(period, engine, k, metrics.monthly)
    _emit(rows, used, f"usage metrics {period}", as_json)


@analytics_app.command("overlap")
def overlap_command(period: Period, engine: EngineOption = "duckdb", k: KOption = None,
                    as_json: AsJson = False) -> None:
    """Users on both of two platforms, per month."""
    rows, used = _metric_rows(period, engine, k, metrics.overlap)
    _emit(rows, used, f"audience overlap {period}", as_json)


@analytics_app.command("demographics")
def demographics_command(
    period: Period,
    attribute: Annotated[str, typer.Option("--attribute", help="gender, age_band, province or "
                                           "territory")] = "gender",
    engine: EngineOption = "duckdb", k: KOption = None, as_json: AsJson = False,
) -> None:
    """Users per value of an audience attribute, per platform and month."""
    if attribute not in ATTRIBUTES:
        fail(ValidationFailed(f"--attribute is one of {', '.join(ATTRIBUTES)}", field="attribute"))
    rows, used = _metric_rows(period, engine, k,
                              lambda e, t, kk: metrics.demographics(e, t, attribute, kk))
    _emit(rows, used, f"{attribute} {period}", as_json)
