"""`clearinghouse references add|list|extract`: a work's reference media from the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from clearinghouse.cli.context import (
    acting_as,
    emit_json,
    emit_table,
    err_console,
    fail,
    local_operator,
    session_factories,
)
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.settings import get_settings
from clearinghouse.identification.references import batch, intake, repository, service
from clearinghouse.identification.references.schemas import reference_out

references_app = typer.Typer(help="Reference media of works (audio, video, images)",
                             no_args_is_help=True)
AsOpt = Annotated[str | None, typer.Option("--as", help="Act as this party (default: operator)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
COLUMNS = ("id", "work_id", "kind", "duration_s", "status", "audio_prints", "visual_prints",
           "file_name")


class Engine(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


@references_app.command("add")
def add(work_id: str,
        files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
        as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Add FILE… as reference media of WORK (kind told by decoding each file)."""
    settings = get_settings()
    added = []
    with session_factories() as (writes, reads):
        with unit_of_work(reads) as session:
            who = acting_as(session, as_party) or local_operator(session)
        for path in files:
            received = service.ReceivedFile(intake.file_sha256(path), path.stat().st_size,
                                            path.name)
            try:
                out, _ = intake.take_reference(writes, settings, who, work_id, path, received)
            except DomainError as exc:
                err_console.print(f"[red]{path}[/red]: {exc.message}")
                fail(exc)
            added.append(out)
    if as_json:
        emit_json(added)
    else:
        emit_table([a.model_dump() for a in added], COLUMNS, title="references")


@references_app.command("list")
def list_(work_id: Annotated[str | None, typer.Argument()] = None, as_party: AsOpt = None,
          as_json: JsonOpt = False) -> None:
    """The references of WORK (or, for the operator, of every work: the first 1,000)."""
    with session_factories() as (_, reads), unit_of_work(reads) as session:
        who = acting_as(session, as_party) or local_operator(session)
        if work_id is not None:
            rows = service.list_references(session, who, work_id)
        elif who.is_operator:
            rows = repository.every(session, limit=1000)
        else:
            raise typer.BadParameter("name the WORK (only the operator lists every work's)")
        listed = [reference_out(r) for r in rows]
    if as_json:
        emit_json(listed)
    else:
        emit_table([r.model_dump() for r in listed], COLUMNS, title="references")


@references_app.command("extract")
def extract(folder: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
            engine: Annotated[Engine, typer.Option("--engine")] = Engine.LOCAL,
            master: Annotated[str, typer.Option(help="Spark master (with --engine spark)")] = "local[*]",
            as_json: JsonOpt = False) -> None:
    """Batch: FOLDER/<work id>/<files> decoded and fingerprinted in parallel (Spark or local
    cores), loaded into the index here. A file that cannot be read is reported, not fatal."""
    settings = get_settings()
    files = batch.catalogue_files(folder)
    results = (batch.extract_spark(batch.spark_session(master), files, settings.media_max_seconds)
               if engine is Engine.SPARK
               else list(batch.extract_local(files, settings.media_max_seconds)))
    report = []
    with session_factories() as (writes, reads):
        with unit_of_work(reads) as session:
            who = local_operator(session)
        for item in results:
            path = Path(item.path)
            if item.prints is None:
                report.append({"file": item.path, "work_id": item.work_id, "error": item.error})
                continue
            received = service.ReceivedFile(intake.file_sha256(path), path.stat().st_size,
                                            path.name)
            try:
                out, created = intake.take_reference(writes, settings, who, item.work_id, path,
                                                     received, prints=item.prints)
            except DomainError as exc:
                report.append({"file": item.path, "work_id": item.work_id,
                               "error": f"{exc.code}: {exc.message}"})
                continue
            report.append({"file": item.path, "work_id": item.work_id, "reference_id": out.id,
                           "kind": out.kind, "added": created})
    if as_json:
        emit_json(report)
    else:
        emit_table(report, ("file", "work_id", "reference_id", "kind", "added", "error"),
                   title=f"{len(report)} files ({engine.value})")
    if any("error" in r for r in report):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(references_app, name="references")
