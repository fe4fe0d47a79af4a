"""`clearinghouse notices …`: the notices sent, and one as a document."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from clearinghouse.cli.context import database, emit_json, emit_table, local_operator
from clearinghouse.cli.inputs import JsonOpt
from clearinghouse.core.settings import get_settings
from clearinghouse.enforcement.notices import service
from clearinghouse.enforcement.notices.schemas import notice_out

notices_app = typer.Typer(help="Warning notices sent on owners' behalf.", no_args_is_help=True)


@notices_app.command("list")
def notices_list(as_json: JsonOpt = False) -> None:
    """Every notice, newest first (the latest 500)."""
    base = get_settings().public_url
    with database() as db:
        out = [notice_out(row, base).model_dump(mode="json")
               for row in service.list_notices(db, local_operator(db))]
    if as_json:
        emit_json(out)
        return
    emit_table([n | {"work": n["facts"]["work_title"], "upload": n["facts"]["upload_ref"]}
                for n in out],
               ["id", "created_at", "work", "upload", "platform_party_id", "delivery_id"],
               title="notices")


@notices_app.command("show")
def notices_show(
    notice_id: str,
    format: Annotated[str, typer.Option("--format", help="html or pdf")] = "html",  # noqa: A002
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
    as_json: JsonOpt = False,
) -> None:
    """One notice: its record (`--json`), or its document on standard output (redirect a PDF
    to a file: `notices show ID --format pdf > notice.pdf`)."""
    if format not in ("html", "pdf") or lang not in ("zh", "en"):
        raise typer.BadParameter("--format is html or pdf, --lang is zh or en")
    with database() as db:
        row = service.get_notice(db, local_operator(db), notice_id)
        if as_json:
            emit_json(notice_out(row, get_settings().public_url).model_dump(mode="json"))
            return
        chosen_format: Literal["html", "pdf"] = "pdf" if format == "pdf" else "html"
        data = service.document(row, "en" if lang == "en" else "zh", chosen_format)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
