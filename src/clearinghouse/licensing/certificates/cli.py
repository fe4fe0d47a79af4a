"""`clearinghouse license certificate|credential|verify`: the signed forms of a license."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from clearinghouse.cli.context import acting_as, database, emit_json, err_console, local_operator
from clearinghouse.core.settings import get_settings
from clearinghouse.licensing.certificates import service as certificate_service
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.licenses.cli import AsOpt, JsonOpt, license_app


def certificate(
    license_id: str,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the PDF here instead of printing JSON")
    ] = None,
    as_party: AsOpt = None,
) -> None:
    """Print the signed certificate (JSON), or write it as a PDF."""
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        lic = licenses_service.get_license(db, who, license_id)
        data = certificate_service.pdf(lic, get_settings()) if pdf else None
        doc = certificate_service.document(lic)
    if pdf is not None and data is not None:
        pdf.write_bytes(data)
        typer.echo(f"wrote {pdf} ({len(data)} bytes)")
    else:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def credential(license_id: str, as_party: AsOpt = None) -> None:
    """Print the license as a W3C Verifiable Credential (JSON, eddsa-jcs-2022 proof)."""
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        lic = licenses_service.get_license(db, who, license_id)
        doc = certificate_service.credential_for(db, lic, get_settings())
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def verify(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    at: Annotated[
        datetime | None,
        typer.Option("--at", formats=["%Y-%m-%d"], help="Answer for this day (default today)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a certificate (JSON or PDF), a credential, or a delivered image, video or song (its
    C2PA manifest), told apart by content. Exit code 0 only when it is genuine, unchanged and the
    license is in force today (or on --at); 1 when it is not (tampered, unknown key, revoked,
    expired…); 4 when the file is not a certificate at all."""
    with database() as db:
        day = at.date() if at else None
        result = certificate_service.verify_bytes(db, file, get_settings(), day)
    if as_json:
        emit_json(result)
    else:
        colour = "green" if result.valid else "red"
        err_console.print(f"[{colour}]{result.result}[/{colour}]: {result.message}")
        err_console.print(f"  {result.message_zh}")
    raise typer.Exit(0 if result.valid else 1)


def register(app: typer.Typer) -> None:
    """Adds to the `license` group (licenses/cli.py mounts it on `app`)."""
    del app
    license_app.command("certificate")(certificate)
    license_app.command("credential")(credential)
    license_app.command("verify")(verify)
