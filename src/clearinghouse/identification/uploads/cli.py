"""`clearinghouse identify FILE|DIR`: which registered works are in these files, as JSON Lines
(one line per file: the identification, or the error that file met); a bad file does not stop
the rest. A progress bar on stderr."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clearinghouse.cli.context import acting_as, err_console, local_operator, session_factories
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.settings import get_settings
from clearinghouse.identification.references.intake import file_sha256
from clearinghouse.identification.uploads import pipeline, service


def _files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.is_file())
    return [target]


def identify(
    target: Annotated[Path, typer.Argument(exists=True, help="A file, or a folder of files")],
    territory: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2")] = "CN",
    channel: Annotated[str, typer.Option(help="The platform, e.g. douyin")] = "douyin",
    uploaded_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today)")] = None,
    upload_ref: Annotated[str | None, typer.Option(
        help="The platform's content id (default: the file's name)")] = None,
    uploader: Annotated[str | None, typer.Option(help="The uploader's party id")] = None,
    as_party: Annotated[str | None, typer.Option("--as", help="Act as this party")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar")] = False,
) -> None:
    """Identify FILE, or every file under DIR: JSON Lines on stdout, one line per file."""
    settings = get_settings()
    day = date.fromisoformat(uploaded_on) if uploaded_on else utcnow().date()
    files = _files(target)
    failed = 0
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err_console, transient=True, disable=quiet)
    with session_factories() as (writes, reads), progress:
        with unit_of_work(reads) as session:
            who = acting_as(session, as_party) or local_operator(session)
        task = progress.add_task("identifying", total=len(files))
        for path in files:
            line: dict[str, object] = {"file": str(path)}
            try:
                asked = service.AskedFacts(upload_ref or path.name, day, territory, channel,
                                           uploader)
                facts = pipeline.checked_facts(reads, who, asked)
                found = pipeline.identify_path(writes, reads, settings, who, facts, path,
                                               sha256=file_sha256(path),
                                               byte_size=path.stat().st_size)
                line["identification"] = found.model_dump(mode="json")
            except DomainError as exc:
                failed += 1
                line["error"] = {"code": exc.code, "message": exc.message}
            typer.echo(json.dumps(line, ensure_ascii=False))
            progress.advance(task)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("identify")(identify)
