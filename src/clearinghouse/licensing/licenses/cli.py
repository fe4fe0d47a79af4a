"""`clearinghouse license …`: a thin shell over the license services.

`license buy` is added by purchases/cli.py and `license certificate|credential|verify` by
certificates/cli.py (cli/main.py loads all three), so each command lives beside its service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from clearinghouse.cli.context import (
    acting_as,
    database,
    emit_json,
    emit_record,
    emit_table,
    local_operator,
)
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.settings import get_settings
from clearinghouse.licensing.licenses import coverage, payments
from clearinghouse.licensing.licenses import service as licenses_service
from clearinghouse.licensing.licenses.reasons import ReasonCode
from clearinghouse.licensing.licenses.schemas import license_out, payment_out
from clearinghouse.licensing.licenses.tables import License

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
AsOpt = Annotated[
    str | None, typer.Option("--as", help="Act as this party id (default: the operator)")
]

license_app = typer.Typer(
    help="Buy, show, revoke, suspend and verify licenses; mark payments paid.", no_args_is_help=True
)


def show_license(out: dict, as_json: bool, title: str) -> None:  # type: ignore[type-arg]
    if as_json:
        emit_json(out)
        return
    lines = out.pop("lines", [])
    emit_record({k: v for k, v in out.items() if k not in ("use", "totals")}, title)
    if lines:
        emit_table(
            [
                {
                    "work": x["work_title"],
                    "right": x["right"],
                    "holder": x["holder_name"],
                    "share": x["share"],
                    "price": x["price"]["display"],
                    "holder net": x["holder_net"]["display"],
                }
                for x in lines
            ],
            ["work", "right", "holder", "share", "price", "holder net"],
            title="lines",
        )


def _licenses_json(db: Session, rows: Sequence[License]) -> list[dict[str, Any]]:
    """The API view of each license; payments and downloads are read once for all of them."""
    details = licenses_service.page_details(db, rows)
    base = get_settings().public_url
    return [license_out(lic, base, details[lic.id]).model_dump(mode="json") for lic in rows]


def license_json(db: Session, lic: License) -> dict[str, Any]:
    return _licenses_json(db, [lic])[0]


@license_app.command("show")
def show(license_id: str, as_party: AsOpt = None, as_json: JsonOpt = False) -> None:
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        out = license_json(db, licenses_service.get_license(db, who, license_id))
    show_license(out, as_json, "license")


@license_app.command("list")
def list_(
    as_party: AsOpt = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
    as_json: JsonOpt = False,
) -> None:
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        rows, total = licenses_service.list_licenses(
            db, who, status=status, offset=offset, limit=limit
        )
        out = _licenses_json(db, rows)
    if as_json:
        emit_json({"items": out, "total": total})
        return
    emit_table(
        [{**x, "total": x["total"]["display"]} for x in out],
        ["id", "licensee_id", "status", "valid_from", "valid_to", "total"],
        title=f"{total} licenses",
    )


def _state_change(action: str, license_id: str, as_json: bool, *args: object) -> None:
    """`args` go to the service between the license id and the version: (code, note) or (note)."""
    with database() as db:
        op = local_operator(db)
        current = licenses_service.load(db, license_id)
        lic = getattr(licenses_service, action)(db, op, license_id, *args, current.version)
        out = license_json(db, lic)
    show_license(out, as_json, f"license ({action})")


ReasonOpt = Annotated[ReasonCode, typer.Option("--reason", help="Why; shown publicly")]
NoteOpt = Annotated[
    str | None, typer.Option(help="A private note for the license's parties, never public")
]


@license_app.command("revoke")
def revoke(
    license_id: str, reason: ReasonOpt, note: NoteOpt = None, as_json: JsonOpt = False,
    refund: Annotated[bool | None, typer.Option(
        "--refund/--no-refund",
        help="Refund a paid license (reverse its sale, owe the licensee what it paid); by "
             "default yes for the reasons error, rights_dispute and owner_request")] = None,
) -> None:
    """Operator: end a license for good."""
    with database() as db:
        op = local_operator(db)
        current = licenses_service.load(db, license_id)
        lic = licenses_service.revoke(db, op, license_id, reason, note, current.version,
                                      refund=refund)
        out = license_json(db, lic)
    show_license(out, as_json, "license (revoke)")


@license_app.command("suspend")
def suspend(
    license_id: str, reason: ReasonOpt, note: NoteOpt = None, as_json: JsonOpt = False
) -> None:
    """Operator: pause an active license."""
    _state_change("suspend", license_id, as_json, reason, note)


@license_app.command("reinstate")
def reinstate(license_id: str, note: NoteOpt = None, as_json: JsonOpt = False) -> None:
    """Operator: lift a suspension."""
    _state_change("reinstate", license_id, as_json, note)


@license_app.command("mark-paid")
def mark_paid(
    payment_id: str,
    reference: Annotated[str, typer.Option(help="The bank's transfer reference")],
    as_json: JsonOpt = False,
) -> None:
    """Operator: the bank transfer arrived; the license becomes active."""
    with database() as db:
        out = payment_out(
            payments.mark_paid(db, local_operator(db), payment_id, reference)
        ).model_dump(mode="json")
    emit_json(out) if as_json else emit_record(out, "payment")


@license_app.command("covers")
def covers(
    work_id: Annotated[str, typer.Option("--work", help="The work used")],
    licensee_id: Annotated[str, typer.Option("--licensee", help="Who uses it")],
    channel: Annotated[str, typer.Option(help="One platform, e.g. douyin")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2, e.g. CN")],
    on: Annotated[
        str | None, typer.Option("--on", help="The day of the use, YYYY-MM-DD (default: today)")
    ] = None,
    right: Annotated[str | None, typer.Option(help="One right (default: any)")] = None,
    as_party: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Is this use licensed? Prints the covering active licenses; exit code 0 when covered, 1 when
    not."""
    try:
        day = date.fromisoformat(on) if on else licenses_service.today()
    except ValueError:
        raise ValidationFailed(f"--on {on!r} is not a date (YYYY-MM-DD)", field="on") from None
    q = coverage.question(work_id, licensee_id, channel, country, day, right)
    with database() as db:
        who = acting_as(db, as_party) or local_operator(db)
        found = coverage.covering(db, who, q)
    if as_json:
        emit_json({"covered": bool(found), "license_ids": found, "work_id": q.work_id,
                   "licensee_id": q.licensee_id, "channel": q.channel, "country": q.country,
                   "on": q.on.isoformat(), "right": q.right})
    else:
        typer.echo(("covered by " + ", ".join(found)) if found else "not covered")
    raise typer.Exit(0 if found else 1)


@license_app.command("sweep")
def sweep() -> None:
    """Mark licenses past their end as expired (run daily)."""
    with database() as db:
        ids = licenses_service.sweep(db)
    typer.echo(f"{len(ids)} license(s) expired" + (": " + ", ".join(ids) if ids else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(license_app, name="license")
