"""`clearinghouse platforms …`: the platform list, a thin shell over the service."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import database, emit_json, emit_record, emit_table, local_operator
from clearinghouse.cli.inputs import JsonOpt, validated
from clearinghouse.platforms import service
from clearinghouse.platforms.schemas import PlatformCreate, PlatformUpdate, platform_out

platforms_app = typer.Typer(help="Platforms (抖音, 快手, B站, …): codes, names, aliases.",
                            no_args_is_help=True)


@platforms_app.command("list")
def platforms_list(as_json: JsonOpt = False) -> None:
    """Every platform with its names and aliases; any of them is accepted as a channel."""
    with database() as db:
        out = [platform_out(r, local_operator(db)).model_dump(mode="json")
               for r in service.list_platforms(db)]
    if as_json:
        emit_json(out)
        return
    emit_table([p | {"aliases": ", ".join(p["aliases"])} for p in out],
               ["code", "name_zh", "name_en", "platform_type", "short_video", "aliases",
                "party_id"], title="platforms")


@platforms_app.command("add")
def platforms_add(
    code: str, name_zh: str, name_en: str,
    alias: Annotated[list[str] | None, typer.Option(help="Another name; repeat")] = None,
    platform_type: Annotated[str | None, typer.Option("--type",
                                                      help="general or aggregator")] = None,
    short_video: Annotated[bool, typer.Option(help="Part of any_short_video")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Operator: add a platform, e.g. `platforms add haokan 好看视频 "Haokan Video"`."""
    data = validated(PlatformCreate, {"code": code, "name_zh": name_zh, "name_en": name_en,
                                      "aliases": alias or [], "platform_type": platform_type,
                                      "short_video": short_video})
    with database() as db:
        operator = local_operator(db)
        out = platform_out(service.create_platform(db, operator, data), operator)
    emit_json(out) if as_json else emit_record(out, "platform")


@platforms_app.command("set")
def platforms_set(
    code: str,
    alias: Annotated[list[str] | None, typer.Option(
        help="Replace the aliases with these; repeat")] = None,
    party: Annotated[str | None, typer.Option(help="Link to this platform party")] = None,
    unlink: Annotated[bool, typer.Option(help="Remove the party link")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Operator: change a platform's aliases or its link to its platform party."""
    changes: dict[str, object] = {}
    if alias:
        changes["aliases"] = alias
    if party or unlink:
        changes["party_id"] = None if unlink else party
    with database() as db:
        operator = local_operator(db)
        row = service.get_platform(db, code)
        data = validated(PlatformUpdate, changes | {"version": row.version})
        out = platform_out(service.update_platform(db, operator, code, data, None), operator)
    emit_json(out) if as_json else emit_record(out, "platform")
