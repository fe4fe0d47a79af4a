"""`clearinghouse works search …` and `clearinghouse search reindex`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table
from clearinghouse.licensing.quotes.cli import _portion as portion_option
from clearinghouse.search import indexer, service
from clearinghouse.search.use_filter import UseParams

search_app = typer.Typer(help="The search index.")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--start") from exc


def works_search(
    query: Annotated[str, typer.Argument(help="Text to find; '' lists everything")] = "",
    type_: Annotated[str | None, typer.Option("--type", help="Type, subtypes included")] = None,
    tag: Annotated[str | None, typer.Option(help="A tag")] = None,
    creator: Annotated[str | None, typer.Option(help="Part of a creator's name")] = None,
    owner: Annotated[str | None, typer.Option(help="Party id or part of its name")] = None,
    identifier: Annotated[str | None, typer.Option(help="scheme:value, e.g. isrc:CNA00…")] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. zh")] = None,
    limit: Annotated[int, typer.Option(help="Results per page (1-100)")] = 20,
    offset: Annotated[int, typer.Option(help="Results to skip")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
    purpose: Annotated[str | None, typer.Option(
        help="Use filter: only works routine offers clear for this use (with --channel)")] = None,
    channel: Annotated[list[str], typer.Option("--channel", help="Use filter; repeat")] = [],  # noqa: B006
    uses: Annotated[int | None, typer.Option(help="Use filter: placements")] = None,
    portion: Annotated[str | None, typer.Option(help="Use filter: whole, 15s, 10% or 200w")] = None,
    modified: Annotated[bool | None, typer.Option("--modified/--original")] = None,
    territory: Annotated[list[str], typer.Option("--territory", help="Use filter; repeat")] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option("--exclude", help="Use filter; repeat")] = [],  # noqa: B006
    start: Annotated[str | None, typer.Option(help="Use filter: YYYY-MM-DD")] = None,
    term_days: Annotated[int | None, typer.Option(help="Use filter: days")] = None,
    perpetual: Annotated[bool, typer.Option("--perpetual")] = False,
    exclusive: Annotated[bool | None, typer.Option("--exclusive/--non-exclusive")] = None,
    currency: Annotated[str | None, typer.Option(help="Use filter: price currency")] = None,
) -> None:
    """Search works by title (Chinese or English), creator, owner, type, tag or identifier; with
    a use (--purpose, --channel, --portion, --territory, ...), only works routine offers clear
    for it, each with its from-price."""
    cut = portion_option(portion) if portion else {}
    use = UseParams(purpose=purpose, channels=tuple(channel), uses=uses,
                    portion_unit=cut.get("unit"), portion_value=cut.get("value"),
                    modified=modified, territories=tuple(territory),
                    territories_excluded=tuple(exclude),
                    start=_day(start) if start else None, term_days=term_days,
                    perpetual=perpetual, exclusive=exclusive, currency=currency)
    params = service.SearchParams(q=query or None, type=type_, tag=tag, creator=creator,
                                  owner=owner, identifier=identifier, language=language,
                                  offset=offset, limit=limit, use=use)
    with database() as db:
        page = service.search(db, params)
    if as_json:
        emit_json(page)
        return
    rows = [
        {"#": h.score, "id": h.id, "type": h.type, "title": h.title,
         "creators": ", ".join(h.creators), "holders": ", ".join(x.name for x in h.holders),
         "match": h.match,
         "from": f"{h.from_price.amount} {h.from_price.currency}" if h.from_price else ""}
        for h in page.items
    ]
    columns = ["#", "id", "type", "title", "creators", "holders", "match"]
    if use.given():  # the price a quote for that use gives, next to the title
        columns.insert(4, "from")
    shown = f"{page.offset + 1}-{page.offset + len(page.items)}" if page.items else "none"
    total = f"{page.total:,}+" if page.total_capped else f"{page.total:,}"
    noun = "work matches" if page.total == 1 and not page.total_capped else "works match"
    emit_table(rows, columns, title=f"{total} {noun}; showing {shown}")


@search_app.command("reindex")
def reindex(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Rebuild the whole search index from the registry (after a bulk load or an upgrade)."""
    with database() as db:
        stats = indexer.rebuild(db)
    out = {"documents": stats.documents, "seconds": round(stats.seconds, 2)}
    emit_json(out) if as_json else emit_record(out, "search index rebuilt")


def register(app: typer.Typer) -> None:
    works = next(g.typer_instance for g in app.registered_groups if g.name == "works")
    assert works is not None, "the registry's `works` command group must be registered first"
    works.command("search")(works_search)
    app.add_typer(search_app, name="search")
