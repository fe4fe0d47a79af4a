"""`clearinghouse works search …` and `clearinghouse search reindex`."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table
from clearinghouse.search import indexer, service

search_app = typer.Typer(help="The search index.")


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
) -> None:
    """Search works by title (Chinese or English), creator, owner, type, tag or identifier."""
    params = service.SearchParams(q=query or None, type=type_, tag=tag, creator=creator,
                                  owner=owner, identifier=identifier, language=language,
                                  offset=offset, limit=limit)
    with database() as db:
        page = service.search(db, params)
    if as_json:
        emit_json(page)
        return
    rows = [
        {"#": h.score, "id": h.id, "type": h.type, "title": h.title,
         "creators": ", ".join(h.creators), "holders": ", ".join(x.name for x in h.holders),
         "match": h.match}
        for h in page.items
    ]
    shown = f"{page.offset + 1}-{page.offset + len(page.items)}" if page.items else "none"
    total = f"{page.total:,}+" if page.total_capped else f"{page.total:,}"
    noun = "work matches" if page.total == 1 and not page.total_capped else "works match"
    emit_table(rows, ["#", "id", "type", "title", "creators", "holders", "match"],
               title=f"{total} {noun}; showing {shown}")


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
